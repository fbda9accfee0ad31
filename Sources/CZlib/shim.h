// zlib, from Debian's zlib1g-dev: inflate for compressed MATLAB .mat (v7) data elements.
// inflateInit is a macro, so Swift calls it through this function.
#include <zlib.h>

static inline int czlib_inflate_init(z_stream *stream) { return inflateInit(stream); }
