/* version.h - the release of zhibu, shown by `zhibu version`. */
#ifndef ZHIBU_VERSION_H
#define ZHIBU_VERSION_H

#define ZHIBU_VERSION "0.1.0"

#endif
