"""What a lesson page may contain: the HTML the builder makes, and nothing that runs or loads from afar.

A lesson member is an HTML fragment. The player cleans every lesson with these lists before showing it
(`player.sanitise`), so a hand-made bundle cannot run script, load a remote resource or submit a form;
whatever else it contains is removed (elements outside TAGS lose their tags but keep their text, and
elements in REMOVED_WITH_CONTENT go entirely).
"""

TAGS = frozenset({
    "a", "abbr", "audio", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "video",
})
REMOVED_WITH_CONTENT = frozenset({"script", "style", "template", "svg", "math"})
ATTRIBUTES = {
    "*": frozenset({"id", "class", "title", "lang", "dir"}),
    "a": frozenset({"href"}),  # the player adds rel and target to links to other sites
    "img": frozenset({"src", "alt", "width", "height"}),
    "audio": frozenset({"src", "controls", "preload", "aria-label"}),
    "video": frozenset({"src", "controls", "preload", "aria-label", "width", "height"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "th": frozenset({"colspan", "rowspan", "style"}),
    "td": frozenset({"colspan", "rowspan", "style"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "details": frozenset({"open"}),
}
STYLE_PROPERTIES = frozenset({"text-align"})  # Python-Markdown's table column alignment
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})  # for href; src must be a relative URL
EXTERNAL_LINK_SCHEMES = frozenset({"http", "https"})  # links that open in a new window (the system browser)
EXTERNAL_LINK_REL = "external noopener noreferrer"
