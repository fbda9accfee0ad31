// FFTW 3, double (fftw_*) and single (fftwf_*) precision, from Debian's libfftw3-dev.
#include <fftw3.h>
