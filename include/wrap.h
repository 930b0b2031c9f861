/* wrap.h — the line-breaking styles, a setting the config file names and
 * the layout applies.
 *
 * Layer: base (a type only).  Included by layout.h and config.h, so the
 * config (build layer) need not include the layout. */
#ifndef QUIRE_WRAP_H
#define QUIRE_WRAP_H

enum layout_wrap {
    WRAP_OPTIMAL,   /* minimum raggedness over a paragraph (default) */
    WRAP_GREEDY,    /* first fit */
};

#endif
