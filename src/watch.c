/* watch.c — has an open story's file changed on disk?  See watch.h. */
#include "watch.h"

#include <string.h>

#include "decode.h"
#include "mapguard.h"

bool watch_story_changed(struct story *s)
{
    bool changed = mapguard_take_fault();
    const struct source *last = NULL;
    for (size_t i = 0; i < s->n_ch && !changed; i++)
        for (size_t e = 0; e < s->ch[i].n_ed && !changed; e++) {
            struct source *src = s->ch[i].ed[e].src;
            /* Chapters of one file share its source: one stat for a run of
             * them (a stat is about a microsecond). */
            if (src && src->text && src != last)
                changed = decode_changed(src);
            last = src;
        }
    return changed;
}

struct story *watch_find(struct library *fresh, const struct story *old)
{
    if (!fresh || fresh->n_stories == 0)
        return NULL;
    struct story *s = library_find_id(fresh, old->id);
    if (s)
        return s;
    for (size_t i = 0; i < fresh->n_stories; i++)   /* a chapter came in front */
        if (story_has_alias(&fresh->stories[i], old->id))
            return &fresh->stories[i];
    const char *rel = old->n_ch ? old->ch[0].ed[0].relpath : NULL;
    for (size_t i = 0; rel && i < fresh->n_stories; i++) {
        struct story *c = &fresh->stories[i];
        for (size_t k = 0; k < c->n_ch; k++)
            for (size_t e = 0; e < c->ch[k].n_ed; e++)
                if (c->ch[k].ed[e].relpath && strcmp(c->ch[k].ed[e].relpath, rel) == 0)
                    return c;
    }
    return fresh->n_stories == 1 ? &fresh->stories[0] : NULL;
}

void watch_restamp(struct story *s)
{
    (void)mapguard_take_fault();
    for (size_t i = 0; i < s->n_ch; i++)
        for (size_t e = 0; e < s->ch[i].n_ed; e++)
            if (s->ch[i].ed[e].src && s->ch[i].ed[e].src->text)
                decode_restamp(s->ch[i].ed[e].src);
}
