/* heading_words.c — the words and numerals chapter headings are written in.
 * See parse_int.h.
 *
 * The words come from one row per language below, each field one line of
 * words separated by spaces.  To teach the parser a language, add a row:
 * the heading forms (heading.c) take their words from every row.  The
 * lookups read `words`, the rows' words sorted for binary search, written
 * out below at compile time: nothing is built at start (a story's head is
 * parsed before its first screen, and building the table from the rows
 * was 0.35M instructions of it, docs/BENCHMARKS.md).  After changing a
 * row, run build/unit/test_heading: it checks `words` against the rows
 * (hw_rows_words(), read once with pthread_once, for the test) and prints
 * the lines to paste when they differ. */
#include "parse_int.h"
#include "uchar.h"
#include "util.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>

/* One language's heading words, lower case UTF-8.  In the number lines the
 * k-th group of words (from 1) means k, in the tens line 10(k+1) (twenty,
 * thirty, ...); a group "a|b|c" spells one number several ways; "=N" after
 * a group gives it the value N, and the groups after it count on from N. */
struct hw_lang {
    const char *lang;       /* ISO 639-1 code */
    const char *chapter;    /* HW_CHAPTER: "Chapter 12", "Kapitel 3" */
    const char *part;       /* HW_PART: "Book One", "Partie II" */
    const char *opening;    /* HW_ALONE sorting first (PARSE_PROLOGUE) */
    const char *closing;    /* HW_ALONE sorting last (PARSE_EPILOGUE) */
    const char *unnumbered; /* HW_ALONE with no number (PARSE_NO_NUMBER) */
    const char *article;    /* HW_ARTICLE: "Chapter the First" */
    const char *numbers;    /* HW_NUMBER */
    const char *tens;       /* HW_TENS */
};

static const struct hw_lang langs[] = {
    {.lang = "en",
     .chapter = "chapter chap ch letter adventure episode stave canto section",
     .part = "book part volume vol",
     .opening = "prologue prelude preface foreword introduction",
     .closing = "epilogue afterword",
     .unnumbered = "interlude",
     .article = "the",
     .numbers = "one|first two|second three|third four|fourth five|fifth six|sixth seven|seventh "
                "eight|eighth nine|ninth ten|tenth eleven|eleventh twelve|twelfth "
                "thirteen|thirteenth fourteen|fourteenth fifteen|fifteenth sixteen|sixteenth "
                "seventeen|seventeenth eighteen|eighteenth nineteen|nineteenth "
                "twentieth=20 thirtieth=30 fortieth=40 fiftieth=50 sixtieth=60 seventieth=70 "
                "eightieth=80 ninetieth=90 hundred|hundredth=100",
     .tens = "twenty thirty forty fifty sixty seventy eighty ninety"},
    {.lang = "fr",
     .chapter = "chapitre",
     .part = "partie livre tome",
     .opening = "prologue préface",
     .closing = "épilogue postface",
     .unnumbered = "interlude",
     .numbers = "un|une|premier|première|premiere deux|deuxième|deuxieme|second|seconde "
                "trois|troisième|troisieme quatre|quatrième|quatrieme cinq|cinquième|cinquieme "
                "six|sixième|sixieme sept|septième|septieme huit|huitième|huitieme "
                "neuf|neuvième|neuvieme dix|dixième|dixieme"},
    {.lang = "de",
     .chapter = "kapitel",
     .part = "teil buch",
     .opening = "prolog vorwort",
     .closing = "epilog nachwort",
     .unnumbered = "zwischenspiel",
     .numbers = "erster|erstes|erste|eins zweiter|zweites|zweite|zwei dritter|drittes|dritte|drei "
                "vierter|viertes|vierte|vier fünfter|fünftes|fünfte|fünf "
                "sechster|sechstes|sechste|sechs siebter|siebtes|siebte|sieben "
                "achter|achtes|achte|acht neunter|neuntes|neunte|neun zehnter|zehntes|zehnte|zehn"},
    {.lang = "es",
     .chapter = "capítulo capitulo cap",
     .part = "parte libro",
     .opening = "prólogo prologo prefacio",
     .closing = "epílogo epilogo",
     .unnumbered = "interludio",
     .numbers = "uno|primero|primera|primer dos|segundo|segunda tres|tercero|tercera|tercer "
                "cuatro|cuarto|cuarta cinco|quinto|quinta seis|sexto|sexta "
                "siete|séptimo|séptima|septimo|septima ocho|octavo|octava nueve|noveno|novena "
                "diez|décimo|décima|decimo|decima"},
    {.lang = "pt",
     .chapter = "capítulo capitulo cap",
     .part = "parte livro",
     .opening = "prólogo prologo prefácio",
     .closing = "epílogo epilogo",
     .unnumbered = "interlúdio",
     .numbers = "um|uma|primeiro|primeira dois|duas|segundo|segunda três|tres|terceiro|terceira "
                "quatro|quarto|quarta cinco|quinto|quinta seis|sexto|sexta sete|sétimo|sétima "
                "oito|oitavo|oitava nove|nono|nona dez|décimo|décima"},
    {.lang = "it",
     .chapter = "capitolo cap",
     .part = "parte libro",
     .opening = "prologo prefazione",
     .closing = "epilogo",
     .unnumbered = "interludio",
     .numbers = "uno|primo|prima due|secondo|seconda tre|terzo|terza quattro|quarto|quarta "
                "cinque|quinto|quinta sei|sesto|sesta sette|settimo|settima otto|ottavo|ottava "
                "nove|nono|nona dieci|decimo|decima"},
    {.lang = "nl",
     .chapter = "hoofdstuk",
     .part = "deel boek",
     .opening = "proloog voorwoord",
     .closing = "epiloog nawoord",
     .numbers = "een|één|eerste twee|tweede drie|derde vier|vierde vijf|vijfde zes|zesde "
                "zeven|zevende acht|achtste negen|negende tien|tiende"},
    {.lang = "ru",
     .chapter = "глава",
     .part = "часть том книга",
     .opening = "пролог предисловие",
     .closing = "эпилог послесловие",
     .unnumbered = "интерлюдия",
     .numbers = "первая|первый|первое|один|одна вторая|второй|второе|два|две "
                "третья|третий|третье|три четвёртая|четвёртый|четвертая|четвертый|четыре "
                "пятая|пятый|пять шестая|шестой|шесть седьмая|седьмой|семь "
                "восьмая|восьмой|восемь девятая|девятый|девять десятая|десятый|десять"},
    {.lang = "uk",
     .chapter = "розділ глава",
     .part = "частина том книга",
     .opening = "пролог передмова",
     .closing = "епілог післямова",
     .numbers = "перша|перший|перше|один|одна друга|другий|друге|два|дві третя|третій|третє|три "
                "четверта|четвертий|чотири шоста|шостий|шість=6 сьома|сьомий|сім "
                "восьма|восьмий|вісім десята|десятий|десять=10"},
    {.lang = "pl",
     .chapter = "rozdział",
     .part = "część księga",
     .opening = "prolog wstęp",
     .closing = "epilog",
     .numbers = "pierwszy|pierwsza|jeden drugi|druga|dwa trzeci|trzecia|trzy "
                "czwarty|czwarta|cztery piąty|piąta|pięć szósty|szósta|sześć "
                "siódmy|siódma|siedem ósmy|ósma|osiem dziewiąty|dziewiąta|dziewięć "
                "dziesiąty|dziesiąta|dziesięć"},
    {.lang = "cs",
     .chapter = "kapitola",
     .part = "část díl kniha",
     .opening = "prolog úvod",
     .closing = "epilog doslov",
     .numbers = "první|jeden|jedna druhá|druhý|dva|dvě třetí|tři čtvrtá|čtvrtý|čtyři "
                "pátá|pátý|pět šestá|šestý|šest sedmá|sedmý|sedm osmá|osmý|osm "
                "devátá|devátý|devět desátá|desátý|deset"},
    {.lang = "id",
     .chapter = "bab",
     .part = "bagian jilid buku",
     .opening = "prolog prakata",
     .closing = "epilog",
     .numbers = "satu|pertama|kesatu dua|kedua tiga|ketiga empat|keempat lima|kelima "
                "enam|keenam tujuh|ketujuh delapan|kedelapan sembilan|kesembilan "
                "sepuluh|kesepuluh"},
    {.lang = "vi",
     .chapter = "chương hồi",
     .part = "phần quyển tập",
     .article = "thứ",
     .numbers = "một|nhất hai|nhì ba tư|bốn năm sáu bảy tám chín mười"},
    {.lang = "tr",
     .chapter = "bölüm",
     .part = "kısım cilt kitap",
     .opening = "önsöz prolog giriş",
     .closing = "sonsöz epilog",
     .numbers = "bir|birinci iki|ikinci üç|üçüncü dört|dördüncü beş|beşinci altı|altıncı "
                "yedi|yedinci sekiz|sekizinci dokuz|dokuzuncu onuncu"},
    /* Chinese, Japanese and Korean chapters are counted, not named
     * (第三章, 第3話, 제3장): heading.c's counter rows.  Here are their
     * headings of one word. */
    {.lang = "zh",
     .opening = "序章 楔子 序幕 引子",
     .closing = "尾声 尾聲 终章 終章 后记 後記",
     .unnumbered = "番外"},
    {.lang = "ja",
     .chapter = "チャプター",
     .opening = "プロローグ 序章",
     .closing = "エピローグ 終章",
     .unnumbered = "幕間"},
    {.lang = "ko",
     .chapter = "챕터",
     .opening = "프롤로그 서장",
     .closing = "에필로그 종장",
     .unnumbered = "외전 번외"},
};

/* Every word of every row, sorted by strcmp, equal words in row order:
 * what hw_rows_words() builds from the rows (test_heading checks it). */
static const struct hw_word words[] = {
    {"acht", HW_NUMBER, 8, "de"},
    {"acht", HW_NUMBER, 8, "nl"},
    {"achte", HW_NUMBER, 8, "de"},
    {"achter", HW_NUMBER, 8, "de"},
    {"achtes", HW_NUMBER, 8, "de"},
    {"achtste", HW_NUMBER, 8, "nl"},
    {"adventure", HW_CHAPTER, 0, "en"},
    {"afterword", HW_ALONE, PARSE_EPILOGUE, "en"},
    {"altı", HW_NUMBER, 6, "tr"},
    {"altıncı", HW_NUMBER, 6, "tr"},
    {"ba", HW_NUMBER, 3, "vi"},
    {"bab", HW_CHAPTER, 0, "id"},
    {"bagian", HW_PART, 0, "id"},
    {"beş", HW_NUMBER, 5, "tr"},
    {"beşinci", HW_NUMBER, 5, "tr"},
    {"bir", HW_NUMBER, 1, "tr"},
    {"birinci", HW_NUMBER, 1, "tr"},
    {"boek", HW_PART, 0, "nl"},
    {"book", HW_PART, 0, "en"},
    {"buch", HW_PART, 0, "de"},
    {"buku", HW_PART, 0, "id"},
    {"bölüm", HW_CHAPTER, 0, "tr"},
    {"bảy", HW_NUMBER, 7, "vi"},
    {"bốn", HW_NUMBER, 4, "vi"},
    {"canto", HW_CHAPTER, 0, "en"},
    {"cap", HW_CHAPTER, 0, "es"},
    {"cap", HW_CHAPTER, 0, "pt"},
    {"cap", HW_CHAPTER, 0, "it"},
    {"capitolo", HW_CHAPTER, 0, "it"},
    {"capitulo", HW_CHAPTER, 0, "es"},
    {"capitulo", HW_CHAPTER, 0, "pt"},
    {"capítulo", HW_CHAPTER, 0, "es"},
    {"capítulo", HW_CHAPTER, 0, "pt"},
    {"ch", HW_CHAPTER, 0, "en"},
    {"chap", HW_CHAPTER, 0, "en"},
    {"chapitre", HW_CHAPTER, 0, "fr"},
    {"chapter", HW_CHAPTER, 0, "en"},
    {"chín", HW_NUMBER, 9, "vi"},
    {"chương", HW_CHAPTER, 0, "vi"},
    {"cilt", HW_PART, 0, "tr"},
    {"cinco", HW_NUMBER, 5, "es"},
    {"cinco", HW_NUMBER, 5, "pt"},
    {"cinq", HW_NUMBER, 5, "fr"},
    {"cinque", HW_NUMBER, 5, "it"},
    {"cinquieme", HW_NUMBER, 5, "fr"},
    {"cinquième", HW_NUMBER, 5, "fr"},
    {"cuarta", HW_NUMBER, 4, "es"},
    {"cuarto", HW_NUMBER, 4, "es"},
    {"cuatro", HW_NUMBER, 4, "es"},
    {"cztery", HW_NUMBER, 4, "pl"},
    {"czwarta", HW_NUMBER, 4, "pl"},
    {"czwarty", HW_NUMBER, 4, "pl"},
    {"część", HW_PART, 0, "pl"},
    {"decima", HW_NUMBER, 10, "es"},
    {"decima", HW_NUMBER, 10, "it"},
    {"decimo", HW_NUMBER, 10, "es"},
    {"decimo", HW_NUMBER, 10, "it"},
    {"deel", HW_PART, 0, "nl"},
    {"delapan", HW_NUMBER, 8, "id"},
    {"derde", HW_NUMBER, 3, "nl"},
    {"deset", HW_NUMBER, 10, "cs"},
    {"desátá", HW_NUMBER, 10, "cs"},
    {"desátý", HW_NUMBER, 10, "cs"},
    {"deux", HW_NUMBER, 2, "fr"},
    {"deuxieme", HW_NUMBER, 2, "fr"},
    {"deuxième", HW_NUMBER, 2, "fr"},
    {"devátá", HW_NUMBER, 9, "cs"},
    {"devátý", HW_NUMBER, 9, "cs"},
    {"devět", HW_NUMBER, 9, "cs"},
    {"dez", HW_NUMBER, 10, "pt"},
    {"dieci", HW_NUMBER, 10, "it"},
    {"diez", HW_NUMBER, 10, "es"},
    {"dix", HW_NUMBER, 10, "fr"},
    {"dixieme", HW_NUMBER, 10, "fr"},
    {"dixième", HW_NUMBER, 10, "fr"},
    {"dois", HW_NUMBER, 2, "pt"},
    {"dokuz", HW_NUMBER, 9, "tr"},
    {"dokuzuncu", HW_NUMBER, 9, "tr"},
    {"dos", HW_NUMBER, 2, "es"},
    {"doslov", HW_ALONE, PARSE_EPILOGUE, "cs"},
    {"drei", HW_NUMBER, 3, "de"},
    {"drie", HW_NUMBER, 3, "nl"},
    {"dritte", HW_NUMBER, 3, "de"},
    {"dritter", HW_NUMBER, 3, "de"},
    {"drittes", HW_NUMBER, 3, "de"},
    {"druga", HW_NUMBER, 2, "pl"},
    {"drugi", HW_NUMBER, 2, "pl"},
    {"druhá", HW_NUMBER, 2, "cs"},
    {"druhý", HW_NUMBER, 2, "cs"},
    {"dua", HW_NUMBER, 2, "id"},
    {"duas", HW_NUMBER, 2, "pt"},
    {"due", HW_NUMBER, 2, "it"},
    {"dva", HW_NUMBER, 2, "cs"},
    {"dvě", HW_NUMBER, 2, "cs"},
    {"dwa", HW_NUMBER, 2, "pl"},
    {"dziesiąta", HW_NUMBER, 10, "pl"},
    {"dziesiąty", HW_NUMBER, 10, "pl"},
    {"dziesięć", HW_NUMBER, 10, "pl"},
    {"dziewiąta", HW_NUMBER, 9, "pl"},
    {"dziewiąty", HW_NUMBER, 9, "pl"},
    {"dziewięć", HW_NUMBER, 9, "pl"},
    {"décima", HW_NUMBER, 10, "es"},
    {"décima", HW_NUMBER, 10, "pt"},
    {"décimo", HW_NUMBER, 10, "es"},
    {"décimo", HW_NUMBER, 10, "pt"},
    {"díl", HW_PART, 0, "cs"},
    {"dördüncü", HW_NUMBER, 4, "tr"},
    {"dört", HW_NUMBER, 4, "tr"},
    {"een", HW_NUMBER, 1, "nl"},
    {"eerste", HW_NUMBER, 1, "nl"},
    {"eight", HW_NUMBER, 8, "en"},
    {"eighteen", HW_NUMBER, 18, "en"},
    {"eighteenth", HW_NUMBER, 18, "en"},
    {"eighth", HW_NUMBER, 8, "en"},
    {"eightieth", HW_NUMBER, 80, "en"},
    {"eighty", HW_TENS, 80, "en"},
    {"eins", HW_NUMBER, 1, "de"},
    {"eleven", HW_NUMBER, 11, "en"},
    {"eleventh", HW_NUMBER, 11, "en"},
    {"empat", HW_NUMBER, 4, "id"},
    {"enam", HW_NUMBER, 6, "id"},
    {"epilog", HW_ALONE, PARSE_EPILOGUE, "de"},
    {"epilog", HW_ALONE, PARSE_EPILOGUE, "pl"},
    {"epilog", HW_ALONE, PARSE_EPILOGUE, "cs"},
    {"epilog", HW_ALONE, PARSE_EPILOGUE, "id"},
    {"epilog", HW_ALONE, PARSE_EPILOGUE, "tr"},
    {"epilogo", HW_ALONE, PARSE_EPILOGUE, "es"},
    {"epilogo", HW_ALONE, PARSE_EPILOGUE, "pt"},
    {"epilogo", HW_ALONE, PARSE_EPILOGUE, "it"},
    {"epilogue", HW_ALONE, PARSE_EPILOGUE, "en"},
    {"epiloog", HW_ALONE, PARSE_EPILOGUE, "nl"},
    {"episode", HW_CHAPTER, 0, "en"},
    {"epílogo", HW_ALONE, PARSE_EPILOGUE, "es"},
    {"epílogo", HW_ALONE, PARSE_EPILOGUE, "pt"},
    {"erste", HW_NUMBER, 1, "de"},
    {"erster", HW_NUMBER, 1, "de"},
    {"erstes", HW_NUMBER, 1, "de"},
    {"fifteen", HW_NUMBER, 15, "en"},
    {"fifteenth", HW_NUMBER, 15, "en"},
    {"fifth", HW_NUMBER, 5, "en"},
    {"fiftieth", HW_NUMBER, 50, "en"},
    {"fifty", HW_TENS, 50, "en"},
    {"first", HW_NUMBER, 1, "en"},
    {"five", HW_NUMBER, 5, "en"},
    {"foreword", HW_ALONE, PARSE_PROLOGUE, "en"},
    {"fortieth", HW_NUMBER, 40, "en"},
    {"forty", HW_TENS, 40, "en"},
    {"four", HW_NUMBER, 4, "en"},
    {"fourteen", HW_NUMBER, 14, "en"},
    {"fourteenth", HW_NUMBER, 14, "en"},
    {"fourth", HW_NUMBER, 4, "en"},
    {"fünf", HW_NUMBER, 5, "de"},
    {"fünfte", HW_NUMBER, 5, "de"},
    {"fünfter", HW_NUMBER, 5, "de"},
    {"fünftes", HW_NUMBER, 5, "de"},
    {"giriş", HW_ALONE, PARSE_PROLOGUE, "tr"},
    {"hai", HW_NUMBER, 2, "vi"},
    {"hoofdstuk", HW_CHAPTER, 0, "nl"},
    {"huit", HW_NUMBER, 8, "fr"},
    {"huitieme", HW_NUMBER, 8, "fr"},
    {"huitième", HW_NUMBER, 8, "fr"},
    {"hundred", HW_NUMBER, 100, "en"},
    {"hundredth", HW_NUMBER, 100, "en"},
    {"hồi", HW_CHAPTER, 0, "vi"},
    {"iki", HW_NUMBER, 2, "tr"},
    {"ikinci", HW_NUMBER, 2, "tr"},
    {"interlude", HW_ALONE, PARSE_NO_NUMBER, "en"},
    {"interlude", HW_ALONE, PARSE_NO_NUMBER, "fr"},
    {"interludio", HW_ALONE, PARSE_NO_NUMBER, "es"},
    {"interludio", HW_ALONE, PARSE_NO_NUMBER, "it"},
    {"interlúdio", HW_ALONE, PARSE_NO_NUMBER, "pt"},
    {"introduction", HW_ALONE, PARSE_PROLOGUE, "en"},
    {"jeden", HW_NUMBER, 1, "pl"},
    {"jeden", HW_NUMBER, 1, "cs"},
    {"jedna", HW_NUMBER, 1, "cs"},
    {"jilid", HW_PART, 0, "id"},
    {"kapitel", HW_CHAPTER, 0, "de"},
    {"kapitola", HW_CHAPTER, 0, "cs"},
    {"kedelapan", HW_NUMBER, 8, "id"},
    {"kedua", HW_NUMBER, 2, "id"},
    {"keempat", HW_NUMBER, 4, "id"},
    {"keenam", HW_NUMBER, 6, "id"},
    {"kelima", HW_NUMBER, 5, "id"},
    {"kesatu", HW_NUMBER, 1, "id"},
    {"kesembilan", HW_NUMBER, 9, "id"},
    {"kesepuluh", HW_NUMBER, 10, "id"},
    {"ketiga", HW_NUMBER, 3, "id"},
    {"ketujuh", HW_NUMBER, 7, "id"},
    {"kitap", HW_PART, 0, "tr"},
    {"kniha", HW_PART, 0, "cs"},
    {"księga", HW_PART, 0, "pl"},
    {"kısım", HW_PART, 0, "tr"},
    {"letter", HW_CHAPTER, 0, "en"},
    {"libro", HW_PART, 0, "es"},
    {"libro", HW_PART, 0, "it"},
    {"lima", HW_NUMBER, 5, "id"},
    {"livre", HW_PART, 0, "fr"},
    {"livro", HW_PART, 0, "pt"},
    {"mười", HW_NUMBER, 10, "vi"},
    {"một", HW_NUMBER, 1, "vi"},
    {"nachwort", HW_ALONE, PARSE_EPILOGUE, "de"},
    {"nawoord", HW_ALONE, PARSE_EPILOGUE, "nl"},
    {"negen", HW_NUMBER, 9, "nl"},
    {"negende", HW_NUMBER, 9, "nl"},
    {"neuf", HW_NUMBER, 9, "fr"},
    {"neun", HW_NUMBER, 9, "de"},
    {"neunte", HW_NUMBER, 9, "de"},
    {"neunter", HW_NUMBER, 9, "de"},
    {"neuntes", HW_NUMBER, 9, "de"},
    {"neuvieme", HW_NUMBER, 9, "fr"},
    {"neuvième", HW_NUMBER, 9, "fr"},
    {"nhì", HW_NUMBER, 2, "vi"},
    {"nhất", HW_NUMBER, 1, "vi"},
    {"nine", HW_NUMBER, 9, "en"},
    {"nineteen", HW_NUMBER, 19, "en"},
    {"nineteenth", HW_NUMBER, 19, "en"},
    {"ninetieth", HW_NUMBER, 90, "en"},
    {"ninety", HW_TENS, 90, "en"},
    {"ninth", HW_NUMBER, 9, "en"},
    {"nona", HW_NUMBER, 9, "pt"},
    {"nona", HW_NUMBER, 9, "it"},
    {"nono", HW_NUMBER, 9, "pt"},
    {"nono", HW_NUMBER, 9, "it"},
    {"nove", HW_NUMBER, 9, "pt"},
    {"nove", HW_NUMBER, 9, "it"},
    {"novena", HW_NUMBER, 9, "es"},
    {"noveno", HW_NUMBER, 9, "es"},
    {"nueve", HW_NUMBER, 9, "es"},
    {"năm", HW_NUMBER, 5, "vi"},
    {"ocho", HW_NUMBER, 8, "es"},
    {"octava", HW_NUMBER, 8, "es"},
    {"octavo", HW_NUMBER, 8, "es"},
    {"oitava", HW_NUMBER, 8, "pt"},
    {"oitavo", HW_NUMBER, 8, "pt"},
    {"oito", HW_NUMBER, 8, "pt"},
    {"one", HW_NUMBER, 1, "en"},
    {"onuncu", HW_NUMBER, 10, "tr"},
    {"osiem", HW_NUMBER, 8, "pl"},
    {"osm", HW_NUMBER, 8, "cs"},
    {"osmá", HW_NUMBER, 8, "cs"},
    {"osmý", HW_NUMBER, 8, "cs"},
    {"ottava", HW_NUMBER, 8, "it"},
    {"ottavo", HW_NUMBER, 8, "it"},
    {"otto", HW_NUMBER, 8, "it"},
    {"part", HW_PART, 0, "en"},
    {"parte", HW_PART, 0, "es"},
    {"parte", HW_PART, 0, "pt"},
    {"parte", HW_PART, 0, "it"},
    {"partie", HW_PART, 0, "fr"},
    {"pertama", HW_NUMBER, 1, "id"},
    {"phần", HW_PART, 0, "vi"},
    {"pierwsza", HW_NUMBER, 1, "pl"},
    {"pierwszy", HW_NUMBER, 1, "pl"},
    {"piąta", HW_NUMBER, 5, "pl"},
    {"piąty", HW_NUMBER, 5, "pl"},
    {"pięć", HW_NUMBER, 5, "pl"},
    {"postface", HW_ALONE, PARSE_EPILOGUE, "fr"},
    {"prakata", HW_ALONE, PARSE_PROLOGUE, "id"},
    {"preface", HW_ALONE, PARSE_PROLOGUE, "en"},
    {"prefacio", HW_ALONE, PARSE_PROLOGUE, "es"},
    {"prefazione", HW_ALONE, PARSE_PROLOGUE, "it"},
    {"prefácio", HW_ALONE, PARSE_PROLOGUE, "pt"},
    {"prelude", HW_ALONE, PARSE_PROLOGUE, "en"},
    {"premier", HW_NUMBER, 1, "fr"},
    {"premiere", HW_NUMBER, 1, "fr"},
    {"première", HW_NUMBER, 1, "fr"},
    {"prima", HW_NUMBER, 1, "it"},
    {"primeira", HW_NUMBER, 1, "pt"},
    {"primeiro", HW_NUMBER, 1, "pt"},
    {"primer", HW_NUMBER, 1, "es"},
    {"primera", HW_NUMBER, 1, "es"},
    {"primero", HW_NUMBER, 1, "es"},
    {"primo", HW_NUMBER, 1, "it"},
    {"prolog", HW_ALONE, PARSE_PROLOGUE, "de"},
    {"prolog", HW_ALONE, PARSE_PROLOGUE, "pl"},
    {"prolog", HW_ALONE, PARSE_PROLOGUE, "cs"},
    {"prolog", HW_ALONE, PARSE_PROLOGUE, "id"},
    {"prolog", HW_ALONE, PARSE_PROLOGUE, "tr"},
    {"prologo", HW_ALONE, PARSE_PROLOGUE, "es"},
    {"prologo", HW_ALONE, PARSE_PROLOGUE, "pt"},
    {"prologo", HW_ALONE, PARSE_PROLOGUE, "it"},
    {"prologue", HW_ALONE, PARSE_PROLOGUE, "en"},
    {"prologue", HW_ALONE, PARSE_PROLOGUE, "fr"},
    {"proloog", HW_ALONE, PARSE_PROLOGUE, "nl"},
    {"první", HW_NUMBER, 1, "cs"},
    {"préface", HW_ALONE, PARSE_PROLOGUE, "fr"},
    {"prólogo", HW_ALONE, PARSE_PROLOGUE, "es"},
    {"prólogo", HW_ALONE, PARSE_PROLOGUE, "pt"},
    {"pátá", HW_NUMBER, 5, "cs"},
    {"pátý", HW_NUMBER, 5, "cs"},
    {"pět", HW_NUMBER, 5, "cs"},
    {"quarta", HW_NUMBER, 4, "pt"},
    {"quarta", HW_NUMBER, 4, "it"},
    {"quarto", HW_NUMBER, 4, "pt"},
    {"quarto", HW_NUMBER, 4, "it"},
    {"quatre", HW_NUMBER, 4, "fr"},
    {"quatrieme", HW_NUMBER, 4, "fr"},
    {"quatrième", HW_NUMBER, 4, "fr"},
    {"quatro", HW_NUMBER, 4, "pt"},
    {"quattro", HW_NUMBER, 4, "it"},
    {"quinta", HW_NUMBER, 5, "es"},
    {"quinta", HW_NUMBER, 5, "pt"},
    {"quinta", HW_NUMBER, 5, "it"},
    {"quinto", HW_NUMBER, 5, "es"},
    {"quinto", HW_NUMBER, 5, "pt"},
    {"quinto", HW_NUMBER, 5, "it"},
    {"quyển", HW_PART, 0, "vi"},
    {"rozdział", HW_CHAPTER, 0, "pl"},
    {"satu", HW_NUMBER, 1, "id"},
    {"sechs", HW_NUMBER, 6, "de"},
    {"sechste", HW_NUMBER, 6, "de"},
    {"sechster", HW_NUMBER, 6, "de"},
    {"sechstes", HW_NUMBER, 6, "de"},
    {"second", HW_NUMBER, 2, "en"},
    {"second", HW_NUMBER, 2, "fr"},
    {"seconda", HW_NUMBER, 2, "it"},
    {"seconde", HW_NUMBER, 2, "fr"},
    {"secondo", HW_NUMBER, 2, "it"},
    {"section", HW_CHAPTER, 0, "en"},
    {"sedm", HW_NUMBER, 7, "cs"},
    {"sedmá", HW_NUMBER, 7, "cs"},
    {"sedmý", HW_NUMBER, 7, "cs"},
    {"segunda", HW_NUMBER, 2, "es"},
    {"segunda", HW_NUMBER, 2, "pt"},
    {"segundo", HW_NUMBER, 2, "es"},
    {"segundo", HW_NUMBER, 2, "pt"},
    {"sei", HW_NUMBER, 6, "it"},
    {"seis", HW_NUMBER, 6, "es"},
    {"seis", HW_NUMBER, 6, "pt"},
    {"sekiz", HW_NUMBER, 8, "tr"},
    {"sekizinci", HW_NUMBER, 8, "tr"},
    {"sembilan", HW_NUMBER, 9, "id"},
    {"sept", HW_NUMBER, 7, "fr"},
    {"septieme", HW_NUMBER, 7, "fr"},
    {"septima", HW_NUMBER, 7, "es"},
    {"septimo", HW_NUMBER, 7, "es"},
    {"septième", HW_NUMBER, 7, "fr"},
    {"sepuluh", HW_NUMBER, 10, "id"},
    {"sesta", HW_NUMBER, 6, "it"},
    {"sesto", HW_NUMBER, 6, "it"},
    {"sete", HW_NUMBER, 7, "pt"},
    {"sette", HW_NUMBER, 7, "it"},
    {"settima", HW_NUMBER, 7, "it"},
    {"settimo", HW_NUMBER, 7, "it"},
    {"seven", HW_NUMBER, 7, "en"},
    {"seventeen", HW_NUMBER, 17, "en"},
    {"seventeenth", HW_NUMBER, 17, "en"},
    {"seventh", HW_NUMBER, 7, "en"},
    {"seventieth", HW_NUMBER, 70, "en"},
    {"seventy", HW_TENS, 70, "en"},
    {"sexta", HW_NUMBER, 6, "es"},
    {"sexta", HW_NUMBER, 6, "pt"},
    {"sexto", HW_NUMBER, 6, "es"},
    {"sexto", HW_NUMBER, 6, "pt"},
    {"sieben", HW_NUMBER, 7, "de"},
    {"siebte", HW_NUMBER, 7, "de"},
    {"siebter", HW_NUMBER, 7, "de"},
    {"siebtes", HW_NUMBER, 7, "de"},
    {"siedem", HW_NUMBER, 7, "pl"},
    {"siete", HW_NUMBER, 7, "es"},
    {"six", HW_NUMBER, 6, "en"},
    {"six", HW_NUMBER, 6, "fr"},
    {"sixieme", HW_NUMBER, 6, "fr"},
    {"sixième", HW_NUMBER, 6, "fr"},
    {"sixteen", HW_NUMBER, 16, "en"},
    {"sixteenth", HW_NUMBER, 16, "en"},
    {"sixth", HW_NUMBER, 6, "en"},
    {"sixtieth", HW_NUMBER, 60, "en"},
    {"sixty", HW_TENS, 60, "en"},
    {"siódma", HW_NUMBER, 7, "pl"},
    {"siódmy", HW_NUMBER, 7, "pl"},
    {"sonsöz", HW_ALONE, PARSE_EPILOGUE, "tr"},
    {"stave", HW_CHAPTER, 0, "en"},
    {"sześć", HW_NUMBER, 6, "pl"},
    {"szósta", HW_NUMBER, 6, "pl"},
    {"szósty", HW_NUMBER, 6, "pl"},
    {"sáu", HW_NUMBER, 6, "vi"},
    {"séptima", HW_NUMBER, 7, "es"},
    {"séptimo", HW_NUMBER, 7, "es"},
    {"sétima", HW_NUMBER, 7, "pt"},
    {"sétimo", HW_NUMBER, 7, "pt"},
    {"teil", HW_PART, 0, "de"},
    {"ten", HW_NUMBER, 10, "en"},
    {"tenth", HW_NUMBER, 10, "en"},
    {"terceira", HW_NUMBER, 3, "pt"},
    {"terceiro", HW_NUMBER, 3, "pt"},
    {"tercer", HW_NUMBER, 3, "es"},
    {"tercera", HW_NUMBER, 3, "es"},
    {"tercero", HW_NUMBER, 3, "es"},
    {"terza", HW_NUMBER, 3, "it"},
    {"terzo", HW_NUMBER, 3, "it"},
    {"the", HW_ARTICLE, 0, "en"},
    {"third", HW_NUMBER, 3, "en"},
    {"thirteen", HW_NUMBER, 13, "en"},
    {"thirteenth", HW_NUMBER, 13, "en"},
    {"thirtieth", HW_NUMBER, 30, "en"},
    {"thirty", HW_TENS, 30, "en"},
    {"three", HW_NUMBER, 3, "en"},
    {"thứ", HW_ARTICLE, 0, "vi"},
    {"tien", HW_NUMBER, 10, "nl"},
    {"tiende", HW_NUMBER, 10, "nl"},
    {"tiga", HW_NUMBER, 3, "id"},
    {"tome", HW_PART, 0, "fr"},
    {"tre", HW_NUMBER, 3, "it"},
    {"tres", HW_NUMBER, 3, "es"},
    {"tres", HW_NUMBER, 3, "pt"},
    {"trois", HW_NUMBER, 3, "fr"},
    {"troisieme", HW_NUMBER, 3, "fr"},
    {"troisième", HW_NUMBER, 3, "fr"},
    {"trzeci", HW_NUMBER, 3, "pl"},
    {"trzecia", HW_NUMBER, 3, "pl"},
    {"trzy", HW_NUMBER, 3, "pl"},
    {"três", HW_NUMBER, 3, "pt"},
    {"tujuh", HW_NUMBER, 7, "id"},
    {"twee", HW_NUMBER, 2, "nl"},
    {"tweede", HW_NUMBER, 2, "nl"},
    {"twelfth", HW_NUMBER, 12, "en"},
    {"twelve", HW_NUMBER, 12, "en"},
    {"twentieth", HW_NUMBER, 20, "en"},
    {"twenty", HW_TENS, 20, "en"},
    {"two", HW_NUMBER, 2, "en"},
    {"tám", HW_NUMBER, 8, "vi"},
    {"třetí", HW_NUMBER, 3, "cs"},
    {"tři", HW_NUMBER, 3, "cs"},
    {"tư", HW_NUMBER, 4, "vi"},
    {"tập", HW_PART, 0, "vi"},
    {"um", HW_NUMBER, 1, "pt"},
    {"uma", HW_NUMBER, 1, "pt"},
    {"un", HW_NUMBER, 1, "fr"},
    {"une", HW_NUMBER, 1, "fr"},
    {"uno", HW_NUMBER, 1, "es"},
    {"uno", HW_NUMBER, 1, "it"},
    {"vier", HW_NUMBER, 4, "de"},
    {"vier", HW_NUMBER, 4, "nl"},
    {"vierde", HW_NUMBER, 4, "nl"},
    {"vierte", HW_NUMBER, 4, "de"},
    {"vierter", HW_NUMBER, 4, "de"},
    {"viertes", HW_NUMBER, 4, "de"},
    {"vijf", HW_NUMBER, 5, "nl"},
    {"vijfde", HW_NUMBER, 5, "nl"},
    {"vol", HW_PART, 0, "en"},
    {"volume", HW_PART, 0, "en"},
    {"voorwoord", HW_ALONE, PARSE_PROLOGUE, "nl"},
    {"vorwort", HW_ALONE, PARSE_PROLOGUE, "de"},
    {"wstęp", HW_ALONE, PARSE_PROLOGUE, "pl"},
    {"yedi", HW_NUMBER, 7, "tr"},
    {"yedinci", HW_NUMBER, 7, "tr"},
    {"zehn", HW_NUMBER, 10, "de"},
    {"zehnte", HW_NUMBER, 10, "de"},
    {"zehnter", HW_NUMBER, 10, "de"},
    {"zehntes", HW_NUMBER, 10, "de"},
    {"zes", HW_NUMBER, 6, "nl"},
    {"zesde", HW_NUMBER, 6, "nl"},
    {"zeven", HW_NUMBER, 7, "nl"},
    {"zevende", HW_NUMBER, 7, "nl"},
    {"zwei", HW_NUMBER, 2, "de"},
    {"zweite", HW_NUMBER, 2, "de"},
    {"zweiter", HW_NUMBER, 2, "de"},
    {"zweites", HW_NUMBER, 2, "de"},
    {"zwischenspiel", HW_ALONE, PARSE_NO_NUMBER, "de"},
    {"épilogue", HW_ALONE, PARSE_EPILOGUE, "fr"},
    {"één", HW_NUMBER, 1, "nl"},
    {"ósma", HW_NUMBER, 8, "pl"},
    {"ósmy", HW_NUMBER, 8, "pl"},
    {"önsöz", HW_ALONE, PARSE_PROLOGUE, "tr"},
    {"úvod", HW_ALONE, PARSE_PROLOGUE, "cs"},
    {"üç", HW_NUMBER, 3, "tr"},
    {"üçüncü", HW_NUMBER, 3, "tr"},
    {"čtvrtá", HW_NUMBER, 4, "cs"},
    {"čtvrtý", HW_NUMBER, 4, "cs"},
    {"čtyři", HW_NUMBER, 4, "cs"},
    {"část", HW_PART, 0, "cs"},
    {"šest", HW_NUMBER, 6, "cs"},
    {"šestá", HW_NUMBER, 6, "cs"},
    {"šestý", HW_NUMBER, 6, "cs"},
    {"восемь", HW_NUMBER, 8, "ru"},
    {"восьма", HW_NUMBER, 8, "uk"},
    {"восьмая", HW_NUMBER, 8, "ru"},
    {"восьмий", HW_NUMBER, 8, "uk"},
    {"восьмой", HW_NUMBER, 8, "ru"},
    {"вторая", HW_NUMBER, 2, "ru"},
    {"второе", HW_NUMBER, 2, "ru"},
    {"второй", HW_NUMBER, 2, "ru"},
    {"вісім", HW_NUMBER, 8, "uk"},
    {"глава", HW_CHAPTER, 0, "ru"},
    {"глава", HW_CHAPTER, 0, "uk"},
    {"два", HW_NUMBER, 2, "ru"},
    {"два", HW_NUMBER, 2, "uk"},
    {"две", HW_NUMBER, 2, "ru"},
    {"дві", HW_NUMBER, 2, "uk"},
    {"девятая", HW_NUMBER, 9, "ru"},
    {"девятый", HW_NUMBER, 9, "ru"},
    {"девять", HW_NUMBER, 9, "ru"},
    {"десята", HW_NUMBER, 10, "uk"},
    {"десятая", HW_NUMBER, 10, "ru"},
    {"десятий", HW_NUMBER, 10, "uk"},
    {"десятый", HW_NUMBER, 10, "ru"},
    {"десять", HW_NUMBER, 10, "ru"},
    {"десять", HW_NUMBER, 10, "uk"},
    {"друга", HW_NUMBER, 2, "uk"},
    {"друге", HW_NUMBER, 2, "uk"},
    {"другий", HW_NUMBER, 2, "uk"},
    {"епілог", HW_ALONE, PARSE_EPILOGUE, "uk"},
    {"интерлюдия", HW_ALONE, PARSE_NO_NUMBER, "ru"},
    {"книга", HW_PART, 0, "ru"},
    {"книга", HW_PART, 0, "uk"},
    {"один", HW_NUMBER, 1, "ru"},
    {"один", HW_NUMBER, 1, "uk"},
    {"одна", HW_NUMBER, 1, "ru"},
    {"одна", HW_NUMBER, 1, "uk"},
    {"первая", HW_NUMBER, 1, "ru"},
    {"первое", HW_NUMBER, 1, "ru"},
    {"первый", HW_NUMBER, 1, "ru"},
    {"передмова", HW_ALONE, PARSE_PROLOGUE, "uk"},
    {"перша", HW_NUMBER, 1, "uk"},
    {"перше", HW_NUMBER, 1, "uk"},
    {"перший", HW_NUMBER, 1, "uk"},
    {"послесловие", HW_ALONE, PARSE_EPILOGUE, "ru"},
    {"предисловие", HW_ALONE, PARSE_PROLOGUE, "ru"},
    {"пролог", HW_ALONE, PARSE_PROLOGUE, "ru"},
    {"пролог", HW_ALONE, PARSE_PROLOGUE, "uk"},
    {"пятая", HW_NUMBER, 5, "ru"},
    {"пятый", HW_NUMBER, 5, "ru"},
    {"пять", HW_NUMBER, 5, "ru"},
    {"післямова", HW_ALONE, PARSE_EPILOGUE, "uk"},
    {"розділ", HW_CHAPTER, 0, "uk"},
    {"седьмая", HW_NUMBER, 7, "ru"},
    {"седьмой", HW_NUMBER, 7, "ru"},
    {"семь", HW_NUMBER, 7, "ru"},
    {"сьома", HW_NUMBER, 7, "uk"},
    {"сьомий", HW_NUMBER, 7, "uk"},
    {"сім", HW_NUMBER, 7, "uk"},
    {"том", HW_PART, 0, "ru"},
    {"том", HW_PART, 0, "uk"},
    {"третий", HW_NUMBER, 3, "ru"},
    {"третье", HW_NUMBER, 3, "ru"},
    {"третья", HW_NUMBER, 3, "ru"},
    {"третя", HW_NUMBER, 3, "uk"},
    {"третє", HW_NUMBER, 3, "uk"},
    {"третій", HW_NUMBER, 3, "uk"},
    {"три", HW_NUMBER, 3, "ru"},
    {"три", HW_NUMBER, 3, "uk"},
    {"частина", HW_PART, 0, "uk"},
    {"часть", HW_PART, 0, "ru"},
    {"четверта", HW_NUMBER, 4, "uk"},
    {"четвертая", HW_NUMBER, 4, "ru"},
    {"четвертий", HW_NUMBER, 4, "uk"},
    {"четвертый", HW_NUMBER, 4, "ru"},
    {"четвёртая", HW_NUMBER, 4, "ru"},
    {"четвёртый", HW_NUMBER, 4, "ru"},
    {"четыре", HW_NUMBER, 4, "ru"},
    {"чотири", HW_NUMBER, 4, "uk"},
    {"шестая", HW_NUMBER, 6, "ru"},
    {"шестой", HW_NUMBER, 6, "ru"},
    {"шесть", HW_NUMBER, 6, "ru"},
    {"шоста", HW_NUMBER, 6, "uk"},
    {"шостий", HW_NUMBER, 6, "uk"},
    {"шість", HW_NUMBER, 6, "uk"},
    {"эпилог", HW_ALONE, PARSE_EPILOGUE, "ru"},
    {"エピローグ", HW_ALONE, PARSE_EPILOGUE, "ja"},
    {"チャプター", HW_CHAPTER, 0, "ja"},
    {"プロローグ", HW_ALONE, PARSE_PROLOGUE, "ja"},
    {"后记", HW_ALONE, PARSE_EPILOGUE, "zh"},
    {"尾声", HW_ALONE, PARSE_EPILOGUE, "zh"},
    {"尾聲", HW_ALONE, PARSE_EPILOGUE, "zh"},
    {"幕間", HW_ALONE, PARSE_NO_NUMBER, "ja"},
    {"序幕", HW_ALONE, PARSE_PROLOGUE, "zh"},
    {"序章", HW_ALONE, PARSE_PROLOGUE, "zh"},
    {"序章", HW_ALONE, PARSE_PROLOGUE, "ja"},
    {"引子", HW_ALONE, PARSE_PROLOGUE, "zh"},
    {"後記", HW_ALONE, PARSE_EPILOGUE, "zh"},
    {"楔子", HW_ALONE, PARSE_PROLOGUE, "zh"},
    {"番外", HW_ALONE, PARSE_NO_NUMBER, "zh"},
    {"終章", HW_ALONE, PARSE_EPILOGUE, "zh"},
    {"終章", HW_ALONE, PARSE_EPILOGUE, "ja"},
    {"终章", HW_ALONE, PARSE_EPILOGUE, "zh"},
    {"번외", HW_ALONE, PARSE_NO_NUMBER, "ko"},
    {"서장", HW_ALONE, PARSE_PROLOGUE, "ko"},
    {"에필로그", HW_ALONE, PARSE_EPILOGUE, "ko"},
    {"외전", HW_ALONE, PARSE_NO_NUMBER, "ko"},
    {"종장", HW_ALONE, PARSE_EPILOGUE, "ko"},
    {"챕터", HW_CHAPTER, 0, "ko"},
    {"프롤로그", HW_ALONE, PARSE_PROLOGUE, "ko"},
};
#define N_WORDS (sizeof words / sizeof words[0])

static struct hw_word *row_words;  /* the rows' words, sorted (kept to the end) */
static size_t n_row_words;
static char *word_text;         /* their text, NUL-terminated one after another */
static size_t n_text;

/* Add one line's words: the k-th group (from 0) means first + k*step
 * unless it says "=N". */
static void add_line(const char *lang, const char *line, int type, int first, int step)
{
    int val = first;
    for (const char *p = line; p && *p;) {
        const char *g = p;                      /* one group: a|b|c[=N] */
        while (*p && *p != ' ')
            p++;
        const char *ge = p, *eq = memchr(g, '=', (size_t)(p - g));
        if (eq) {
            val = atoi(eq + 1);
            ge = eq;
        }
        for (const char *w = g; w < ge;) {
            const char *we = memchr(w, '|', (size_t)(ge - w));
            if (!we)
                we = ge;
            char *t = word_text + n_text;       /* build_row_words made room */
            memcpy(t, w, (size_t)(we - w));
            t[we - w] = '\0';
            n_text += (size_t)(we - w) + 1;
            row_words[n_row_words++] = (struct hw_word){t, type, val, lang};
            w = we + 1;
        }
        val += step;
        while (*p == ' ')
            p++;
    }
}

/* A word's place in the sort: its first 8 bytes as a big-endian number
 * (ordered as strcmp orders them) and where it came. */
struct hw_key {
    uint64_t head;
    size_t at;
};

static int key_cmp(const struct hw_key *x, const struct hw_key *y, const struct hw_word *w)
{
    if (x->head != y->head)
        return x->head < y->head ? -1 : 1;
    size_t n = strlen(w[x->at].w);
    return n < 8 ? 0 : strcmp(w[x->at].w + 8, w[y->at].w + 8);   /* equal up to a NUL */
}

/* Sorts k[0, n) by word (of w), equal words in the order they came
 * (stable: equal words in row order, as `words` lists them),
 * through tmp (room for n). */
static void sort_keys(struct hw_key *k, struct hw_key *tmp, size_t n, const struct hw_word *w)
{
    if (n < 2)
        return;
    size_t h = n / 2, i = 0, j = h, o = 0;
    sort_keys(k, tmp, h, w);
    sort_keys(k + h, tmp, n - h, w);
    if (key_cmp(&k[h - 1], &k[h], w) <= 0)
        return;                                  /* already in order */
    while (i < h && j < n)
        tmp[o++] = key_cmp(&k[j], &k[i], w) < 0 ? k[j++] : k[i++];
    while (i < h)
        tmp[o++] = k[i++];
    memcpy(k, tmp, o * sizeof *k);               /* k[j, n) is in place */
}

static void build_row_words(void)
{
    /* Room for every word: at most one a space or a bar apart, its text
     * at most the row's bytes with a NUL for each separator. */
    size_t max_words = 0, max_text = 0;
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        const struct hw_lang *l = &langs[i];
        const char *lines[] = {l->chapter, l->part,    l->opening, l->closing,
                               l->unnumbered, l->article, l->numbers, l->tens};
        for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k++) {
            for (const char *p = lines[k]; p && *p; p++)
                max_words += *p == ' ' || *p == '|';
            max_words += lines[k] != NULL;
            max_text += lines[k] ? strlen(lines[k]) + 1 : 0;
        }
    }
    row_words = xmalloc((max_words + 1) * sizeof *row_words);
    word_text = xmalloc(max_text + 1);
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        const struct hw_lang *l = &langs[i];
        add_line(l->lang, l->chapter, HW_CHAPTER, 0, 0);
        add_line(l->lang, l->part, HW_PART, 0, 0);
        add_line(l->lang, l->opening, HW_ALONE, PARSE_PROLOGUE, 0);
        add_line(l->lang, l->closing, HW_ALONE, PARSE_EPILOGUE, 0);
        add_line(l->lang, l->unnumbered, HW_ALONE, PARSE_NO_NUMBER, 0);
        add_line(l->lang, l->article, HW_ARTICLE, 0, 0);
        add_line(l->lang, l->numbers, HW_NUMBER, 1, 1);
        add_line(l->lang, l->tens, HW_TENS, 20, 10);
    }
    /* Sorted on numbers (a word's first 8 bytes), stable. */
    struct hw_key *keys = xmalloc(2 * (n_row_words + 1) * sizeof *keys);
    for (size_t i = 0; i < n_row_words; i++) {
        uint64_t head = 0;
        const unsigned char *t = (const unsigned char *)row_words[i].w;
        bool end = false;
        for (size_t b = 0; b < 8; b++) {
            unsigned char c = end ? 0 : t[b];   /* nothing read past the NUL */
            end = c == '\0';
            head = head << 8 | c;
        }
        keys[i] = (struct hw_key){head, i};
    }
    sort_keys(keys, keys + n_row_words + 1, n_row_words, row_words);
    /* row_words[i] = the old row_words[keys[i].at], in place: one cycle of the
     * permutation at a time (a done place's key says SIZE_MAX). */
    for (size_t i = 0; i < n_row_words; i++) {
        if (keys[i].at == SIZE_MAX)
            continue;
        struct hw_word first = row_words[i];
        size_t j = i;
        while (keys[j].at != i) {
            size_t from = keys[j].at;
            row_words[j] = row_words[from];
            keys[j].at = SIZE_MAX;
            j = from;
        }
        row_words[j] = first;
        keys[j].at = SIZE_MAX;
    }
    free(keys);
}

/* s[a, e) in lower case into buf (size HW_MAX_WORD + 1): ASCII by hand,
 * the rest by libunistring (Ä, Ł, Ж, Ş, Ư); the dot above that lowering
 * a Turkish İ leaves is dropped (İKİNCİ -> ikinci).  0 when it does not
 * fit. */
static size_t fold_word(const char *s, size_t a, size_t e, char *buf)
{
    bool ascii = true;
    for (size_t i = a; i < e; i++)
        ascii &= (unsigned char)s[i] < 0x80;
    if (ascii) {
        if (e - a > HW_MAX_WORD)
            return 0;
        for (size_t i = a; i < e; i++)
            buf[i - a] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? (s[i] | 0x20) : s[i]);
        buf[e - a] = '\0';
        return e - a;
    }
    uint8_t low[HW_MAX_WORD * 2];
    size_t n = sizeof low;
    uint8_t *r = u8_tolower((const uint8_t *)s + a, e - a, NULL, NULL, low, &n);
    if (!r)
        return 0;
    size_t o = 0;
    for (size_t i = 0; i < n && o <= HW_MAX_WORD; i++) {
        if (r[i] == 0xCC && i + 1 < n && r[i + 1] == 0x87) {
            i++;                /* U+0307 COMBINING DOT ABOVE */
            continue;
        }
        if (o == HW_MAX_WORD) {
            o = HW_MAX_WORD + 1;
            break;
        }
        buf[o++] = (char)r[i];
    }
    if (r != low)
        free(r);
    if (o > HW_MAX_WORD)
        return 0;
    buf[o] = '\0';
    return o;
}

static pthread_once_t built = PTHREAD_ONCE_INIT;

const struct hw_word *hw_rows_words(size_t *n)
{
    pthread_once(&built, build_row_words);
    *n = n_row_words;
    return row_words;
}

/* strcmp(w, k) for k the n bytes at k (ending early at a NUL) with ASCII
 * capitals read as small letters: a lookup's key, folded as it is read. */
static int cmp_key(const char *w, const char *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)w[i], y = (unsigned char)k[i];
        if (y >= 'A' && y <= 'Z')
            y |= 0x20;
        if (x != y)
            return x < y ? -1 : 1;
        if (x == '\0')
            return 0;
    }
    return w[n] != '\0';
}

const struct hw_word *hw_lookup(const char *s, size_t a, size_t e)
{
    if (e <= a || e - a > HW_MAX_WORD * 2)
        return NULL;
    /* An ASCII word is folded as it is compared, the others first. */
    char buf[HW_MAX_WORD + 1];
    const char *k = s + a;
    size_t n = e - a;
    bool ascii = true;
    for (size_t i = a; i < e; i++)
        ascii &= (unsigned char)s[i] < 0x80;
    if (ascii ? n > HW_MAX_WORD : (n = fold_word(s, a, e, buf)) == 0)
        return NULL;
    if (!ascii)
        k = buf;
    /* The first of the equal words (they differ in their row only:
     * hw_conflicts() is 0). */
    size_t lo = 0, hi = N_WORDS;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_key(words[mid].w, k, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < N_WORDS && cmp_key(words[lo].w, k, n) == 0 ? &words[lo] : NULL;
}

size_t hw_conflicts(char *msg, size_t size)
{
    size_t n = 0;
    if (size)
        msg[0] = '\0';
    for (size_t i = 1; i < N_WORDS; i++) {
        const struct hw_word *x = &words[i - 1], *y = &words[i];
        if (strcmp(x->w, y->w) != 0 || (x->type == y->type && x->val == y->val))
            continue;
        if (n++ == 0 && size)
            snprintf(msg, size, "\"%s\" is type %d value %d in %s but type %d value %d in %s",
                     x->w, x->type, x->val, x->lang, y->type, y->val, y->lang);
    }
    return n;
}

bool hw_is_lower(const char *w)
{
    size_t n = strlen(w);
    char buf[HW_MAX_WORD + 1];
    return n > 0 && fold_word(w, 0, n, buf) == n && memcmp(buf, w, n) == 0;
}

size_t hw_n_words(void)
{
    return N_WORDS;
}

const struct hw_word *hw_word_at(size_t i)
{
    return i < N_WORDS ? &words[i] : NULL;
}

size_t hw_word_end(const char *s, size_t a, size_t b)
{
    size_t i = a;
    while (i < b) {
        unsigned char c = (unsigned char)s[i];
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
            i++;
        } else if (c >= 0x80) {
            uint32_t uc;
            size_t k = uch_decode(s, i, b, &uc);
            if (!uc_is_alpha(uc))
                break;
            i += k;
        } else {
            break;
        }
    }
    return i;
}

/* A number in words at s[*p] ("twelve", "Twenty-One", "twenty one",
 * "Third", "Première").  Advances *p past it.  -1 if none. */
int hw_number_words(const char *s, size_t *p, size_t b)
{
    size_t a = *p, e = hw_word_end(s, a, b);
    const struct hw_word *w = hw_lookup(s, a, e);
    if (!w || (w->type != HW_NUMBER && w->type != HW_TENS))
        return -1;
    int v = w->val;
    *p = e;
    if (w->type == HW_TENS && e < b && (s[e] == '-' || s[e] == ' ')) {
        size_t a2 = e + 1, e2 = hw_word_end(s, a2, b);
        const struct hw_word *u = hw_lookup(s, a2, e2);
        if (u && u->type == HW_NUMBER && u->val >= 1 && u->val <= 9) {
            v += u->val;
            *p = e2;
        }
    }
    return v;
}

/* Chinese numeral at s[*p]: positional (二十三, 一百二十) or digit-by-digit
 * (一一六, 一零零).  ASCII and full-width digits too.  -1 if none. */
int hw_cjk_number(const char *s, size_t *p, size_t b)
{
    size_t i = *p;
    int digits[16];
    int nd = 0;
    bool positional = false;
    long total = 0, cur = -1;
    while (i < b && nd < 15) {
        uint32_t c;
        size_t k = uch_decode(s, i, b, &c);
        int d = -1, mult = 0;
        switch (c) {
        case 0x96F6: case 0x3007: d = 0; break;             /* 零 〇 */
        case 0x4E00: d = 1; break;                          /* 一 */
        case 0x4E8C: case 0x4E24: d = 2; break;             /* 二 两 */
        case 0x4E09: d = 3; break;
        case 0x56DB: d = 4; break;
        case 0x4E94: d = 5; break;
        case 0x516D: d = 6; break;
        case 0x4E03: d = 7; break;
        case 0x516B: d = 8; break;
        case 0x4E5D: d = 9; break;
        case 0x5341: mult = 10; break;                      /* 十 */
        case 0x767E: mult = 100; break;                     /* 百 */
        case 0x5343: mult = 1000; break;                    /* 千 */
        default:
            if (c >= '0' && c <= '9')
                d = (int)(c - '0');
            else if (c >= 0xFF10 && c <= 0xFF19)
                d = (int)(c - 0xFF10);
        }
        if (d < 0 && !mult)
            break;
        if (mult) {
            positional = true;
            total += (cur < 0 ? 1 : cur) * mult;
            cur = -1;
        } else {
            digits[nd++] = d;
            cur = d;
        }
        i += k;
    }
    if (i == *p)
        return -1;
    *p = i;
    if (positional)
        return (int)(total + (cur > 0 ? cur : 0));
    long v = 0;
    for (int k = 0; k < nd; k++)
        v = v * 10 + digits[k];
    return v > 100000 ? -1 : (int)v;
}

static int roman_value(char c)
{
    switch (c | 0x20) {
    case 'i': return 1;
    case 'v': return 5;
    case 'x': return 10;
    case 'l': return 50;
    case 'c': return 100;
    case 'd': return 500;
    case 'm': return 1000;
    }
    return 0;
}

/* Parse a canonical roman numeral s[a, b) (one case throughout); -1 if not. */
int hw_roman(const char *s, size_t a, size_t b)
{
    if (b <= a || b - a > 12)
        return -1;
    bool upper = uch_is_upper_ascii(s[a]);
    int total = 0;
    for (size_t i = a; i < b; i++) {
        int v = roman_value(s[i]);
        if (!v || uch_is_upper_ascii(s[i]) != upper)
            return -1;
        int nx = i + 1 < b ? roman_value(s[i + 1]) : 0;
        if (nx > v)
            total -= v;
        else
            total += v;
    }
    if (total <= 0 || total > 3999)
        return -1;
    /* Round trip: reject non-canonical strings such as "IIII" or "DIM". */
    static const int vals[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
    static const char *syms[] = {"m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i"};
    char buf[32];
    size_t o = 0;
    int t = total;
    for (int k = 0; k < 13 && o < 20; k++)
        while (t >= vals[k] && o < 20) {
            for (const char *q = syms[k]; *q; q++)
                buf[o++] = *q;
            t -= vals[k];
        }
    if (o != b - a)
        return -1;
    for (size_t i = 0; i < o; i++)
        if ((s[a + i] | 0x20) != buf[i])
            return -1;
    return total;
}
