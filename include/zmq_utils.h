/* SPDX-License-Identifier: MPL-2.0 */
/*
 * zmq_utils.h: kept only so that old programs which include it still build.
 *
 * As in libzmq 4.3.5, it declares nothing: the stopwatch, zmq_sleep and the
 * thread helpers it used to declare are all in zmq.h now.  Compilers that
 * understand `#pragma message` print a reminder (a note, not a warning, so
 * -Werror builds are unaffected).
 */

#ifndef __ZMQ_UTILS_H_INCLUDED__
#define __ZMQ_UTILS_H_INCLUDED__

#if defined __clang__ || defined __GNUC__ || defined _MSC_VER
#pragma message("zmq_utils.h is deprecated: include zmq.h, which declares everything it used to")
#endif

#endif /* __ZMQ_UTILS_H_INCLUDED__ */
