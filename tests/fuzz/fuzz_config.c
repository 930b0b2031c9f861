/* fuzz_config.c — any bytes as a config file: never a crash, the settings
 * always within their bounds, and config_print's output reads back without
 * problems to the same settings (the --config-check round trip). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"
#include "util.h"

static FILE *devnull(void)
{
    static FILE *f;
    if (!f)
        f = fopen("/dev/null", "w");
    return f;
}

static char *printed(const struct config *c, size_t *len)
{
    char *s = NULL;
    FILE *f = open_memstream(&s, len);
    if (!f)
        abort();
    config_print(c, f);
    fclose(f);
    return s;
}

static void check_bounds(const struct config *c)
{
    if (c->width < CONFIG_WIDTH_MIN || c->width > CONFIG_WIDTH_MAX)
        abort();
    if (c->wrap != WRAP_OPTIMAL && c->wrap != WRAP_GREEDY)
        abort();
    if (!c->break_glyph || !*c->break_glyph || !c->theme)
        abort();
    if (strcmp(c->theme, "default") && strcmp(c->theme, "dark") &&
        strcmp(c->theme, "light") && strcmp(c->theme, "plain"))
        abort();
    if (c->n_remap < 0 || c->n_remap > CONFIG_MAX_REMAPS)
        abort();
    for (int i = 0; i < c->n_remap; i++) {
        char canon[32];
        /* a stored key is canonical: normalising it again changes nothing */
        if (!config_key_name(c->remap[i].key, canon) || strcmp(canon, c->remap[i].key))
            abort();
        if (!c->remap[i].action[0] || strspn(c->remap[i].action, "abcdefghijklmnopqrstuvwxyz_")
                                          != strlen(c->remap[i].action))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config c, again;
    config_load_mem(&c, (const char *)data, size, "fuzz", devnull());
    check_bounds(&c);

    size_t n1, n2;
    char *p1 = printed(&c, &n1);
    if (config_load_mem(&again, p1, n1, "printed", devnull()) != 0)
        abort();   /* what --config-check prints must read back cleanly */
    check_bounds(&again);
    char *p2 = printed(&again, &n2);
    if (n1 != n2 || memcmp(p1, p2, n1) != 0)
        abort();   /* ... to the same settings */
    free(p1);
    free(p2);
    config_free(&c);
    config_free(&again);
    return 0;
}
