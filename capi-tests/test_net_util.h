/* Kept for tests written before capi-tests/testutil.h: everything that was
 * here now lives there. New tests include "testutil.h" directly. */
#include "testutil.h"
