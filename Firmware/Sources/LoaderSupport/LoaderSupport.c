// LoaderSupport.h holds static inline functions, compiled into the Swift module that uses
// them. The one real function here is the run-time helper the compiler calls to zero a
// word-aligned local (a struct of several words): there is no C library to provide it.
#include "LoaderSupport.h"

void __aeabi_memclr4(void *destination, unsigned int count);

// Volatile stores: the optimizer must not turn this loop back into a call to itself.
void __aeabi_memclr4(void *destination, unsigned int count) {
  volatile unsigned int *word = destination;
  for (; count >= 4; count -= 4) { *word++ = 0; }
  volatile unsigned char *byte = (volatile unsigned char *)word;
  for (; count > 0; count--) { *byte++ = 0; }
}
