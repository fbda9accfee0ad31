// SuiteSparse (CHOLMOD, UMFPACK, AMD) from Debian's libsuitesparse-dev.
#include <suitesparse/cholmod.h>
#include <suitesparse/umfpack.h>
