/* palette.h: the Okabe-Ito colour-blind-safe palette and the fixed styles
 * that tell the worker types apart without colour (fill, hatching, order). */
#ifndef P2P_REPORT_PALETTE_H
#define P2P_REPORT_PALETTE_H

/* An RGB colour, components 0..1. */
typedef struct {
    double r, g, b; /* red, green, blue in 0..1 */
} RColor;

#define OI_BLACK      ((RColor){0.000, 0.000, 0.000})
#define OI_ORANGE     ((RColor){0.902, 0.624, 0.000}) /* #E69F00 */
#define OI_SKYBLUE    ((RColor){0.337, 0.706, 0.914}) /* #56B4E9 */
#define OI_GREEN      ((RColor){0.000, 0.620, 0.451}) /* #009E73 */
#define OI_YELLOW     ((RColor){0.941, 0.894, 0.259}) /* #F0E442 */
#define OI_BLUE       ((RColor){0.000, 0.447, 0.698}) /* #0072B2 */
#define OI_VERMILLION ((RColor){0.835, 0.369, 0.000}) /* #D55E00 */
#define OI_PURPLE     ((RColor){0.800, 0.475, 0.655}) /* #CC79A7 */

/* Neutral greys for axes, grids and text. */
#define GREY_TEXT  ((RColor){0.15, 0.15, 0.15})
#define GREY_AXIS  ((RColor){0.35, 0.35, 0.35})
#define GREY_GRID  ((RColor){0.88, 0.88, 0.88})
#define GREY_LIGHT ((RColor){0.60, 0.60, 0.60})

/* How a series is filled besides its colour, so greyscale prints read. */
typedef enum {
    FILL_SOLID = 0,   /* plain fill */
    FILL_HATCH,       /* diagonal hatching over a light fill */
    FILL_DOTS,        /* dotted over a light fill */
    FILL_OUTLINE,     /* white with a thick outline */
} RFill;

/* One series style: worker types, cascade stages, countries. */
typedef struct {
    RColor color;  /* Okabe-Ito colour */
    RFill fill;    /* the pattern that survives greyscale */
} RStyle;

/* Worker types in fixed order peer, professional, mixed: a dark solid, a
 * light solid and a hatched fill differ in greyscale too. */
static const RStyle STYLE_WORKER[3] = {
    { {0.000, 0.447, 0.698}, FILL_SOLID }, /* peer: blue */
    { {0.902, 0.624, 0.000}, FILL_SOLID }, /* professional: orange */
    { {0.000, 0.620, 0.451}, FILL_HATCH }, /* mixed: bluish green, hatched */
};

/* Series beyond the worker types (countries, cascade stages). */
static const RStyle STYLE_SERIES[8] = {
    { {0.000, 0.447, 0.698}, FILL_SOLID },
    { {0.902, 0.624, 0.000}, FILL_SOLID },
    { {0.000, 0.620, 0.451}, FILL_HATCH },
    { {0.835, 0.369, 0.000}, FILL_DOTS },
    { {0.800, 0.475, 0.655}, FILL_SOLID },
    { {0.337, 0.706, 0.914}, FILL_HATCH },
    { {0.941, 0.894, 0.259}, FILL_OUTLINE },
    { {0.000, 0.000, 0.000}, FILL_SOLID },
};

#endif
