# tests/arch/layers.mk — the layers of quire, bottom to top: the one table
# that the Makefile (which objects a unit test may link) and
# tests/arch/t_layers.sh (the symbol graph of build/obj/*.o) both read.
#
# An object may use symbols of its own layer and of the layers below it,
# never of a layer above; no two objects may use each other, directly or
# round a longer loop; only the ui objects may use curses.  A unit test
# links only the objects of its own layer and below, so a call upwards
# fails to link.
#
# Every src/NAME.c is placed in exactly one LAYER_* list (as NAME) and
# every tests/unit/test_NAME.c in exactly one UNIT_* list: the build
# (make unit) and the check stop on a file placed nowhere.  Keep this file
# plain: one "VARIABLE := words" per line, "\" continuations allowed.
LAYERS := base text model build layout ui main

# Memory, strings, files and the record format under the caches and the
# bookmarks.
LAYER_base   := util rec uchar kv diag mapguard vis
# A text and what it says: decoding, parsing (headings, blocks, matter,
# emphasis), normalised words, the index cache of a file's analysis.
LAYER_text   := parse_meta ebook_door ebook_sniff ebook_wire derived decode break_line para_piece announce parse_text parse_blocks pmemo heading heading_words matter markup norm cache ebook html epub epub_sax epub_zip
# The story model (types, free, find, text and blocks, percent, the checks
# of its rules): story.c, under every pass that builds or keeps it.
LAYER_model  := story
# The passes that turn files into the model and keep it: reading, decoding,
# parsing, caches, the library build and its thread, bookmarks, config.
LAYER_build  := watch statefile bookmarks_store bookmarks_file bookmarks_disk bookmarks_place scan analyse storyini group editions assemble snapshot library loader bookmarks state_sync config output shelf pace seen
# Lines on a screen or a page: layout, search, --render.
LAYER_layout := layout layout_runs search render
# The screens (curses).
LAYER_ui     := ui ui_history ui_keys ui_library ui_reader ui_view ui_menu ui_text ui_info
LAYER_main   := main ebook_convert

# The unit tests, by the layer of what they test (tests/unit/test_NAME.c).
UNIT_base   := test_util test_linebreak test_kv test_vis
UNIT_text   := test_pmemo test_decode test_derived test_wire test_parse test_heading test_html test_epub
UNIT_model  :=
UNIT_build  := test_cache test_config test_library test_bookmarks test_shelf test_pace test_seen
UNIT_layout := test_layout test_search
UNIT_ui     := test_ui_view
UNIT_main   :=
