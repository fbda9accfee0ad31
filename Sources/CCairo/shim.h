// Cairo, from Debian's libcairo2-dev: vector drawing to PNG, SVG and PDF for the figures.
#include <cairo/cairo.h>
#include <cairo/cairo-pdf.h>
#include <cairo/cairo-svg.h>
