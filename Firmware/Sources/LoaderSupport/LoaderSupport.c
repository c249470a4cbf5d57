// Intentionally empty: LoaderSupport.h holds only static inline functions, compiled into
// the Swift module that uses them. SwiftPM needs one source file per C target.
#include "LoaderSupport.h"
