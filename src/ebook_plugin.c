/* ebook_plugin.c — what quire-ebook.so exports: the converters of ebook.h
 * behind one object (ebook_door.h says why a plugin and how it is found).
 * Built into the plugin only, never into `quire` (the Makefile's
 * PLUGIN_ONLY); the plugin's link exports this symbol and nothing else
 * (scripts/plugin.map). */
#include "ebook_door.h"

/* Looked up by name (EBOOK_PLUGIN_SYMBOL) with dlsym. */
extern const struct ebook_plugin quire_ebook_plugin;
const struct ebook_plugin quire_ebook_plugin = {
    .version = EBOOK_VERSION,
    .size = sizeof(struct ebook_plugin),
    .ebook_size = sizeof(struct ebook),
    .sniff = ebook_sniff,
    .read_file = ebook_read_file,
    .read_bytes = ebook_read_bytes,
    .free = ebook_free,
    .read_head = ebook_read_bytes_head,
};
