"""Every static component id, prefixed by panel. No string ids elsewhere."""

# App shell
CONTEXT = "app-context"  # the part of the state issue 17's panels read (boroughs, track, basis, events)
STATE = "app-state"  # THE selection state (see callbacks/state.py for its keys)
# The part of the state each chart panel reads (state/panels.py): written with the state, read by the panel
STATE_SERIES = "app-state-series"
STATE_HEATMAP = "app-state-heatmap"
STATE_BOROUGHS = "app-state-boroughs"  # key figures, choropleth, comparison
POINTS = "app-points"  # every device, columnar, held in the browser for the map's filter
ALERT = "app-alert"
HOSTED_ALERT = "hosted-alert"  # the banner web.errors fills when a callback or the database fails

# Header and key figures
HEADER_AS_OF = "header-as-of"
HEADER_NOTE = "header-note"
SIGN_OUT = "sign-out"
HEADER_FIGURES = "header-figures"
HEADER_SCOPE = "header-scope"  # the selection the figures are for: the overview callback's first output
HEADER_FIGURES_MESSAGE = "header-figures-message"
HEADER_HELP = "header-help"
HEADER_HELP_BODY = "header-help-body"  # the definitions table, built when "How the figures are defined" opens


def key_figure(key: str) -> str:
    """A key figure's card (its value is ``key_figure_value``): key as in layouts/header.py KEY_FIGURES."""
    return f"kf-{key}"


def key_figure_value(key: str) -> str:
    return f"kf-{key}-value"

# Filter bar
FILTER_DATES = "filter-dates"
FILTER_BANDS = "filter-bands"
FILTER_OPERATORS = "filter-operators"
FILTER_LOCATIONS = "filter-locations"
FILTER_BOROUGHS = "filter-boroughs"
FILTER_METRIC = "filter-metric"
FILTER_DENOMINATOR = "filter-denominator"
FILTER_METRIC_NOTE = "filter-metric-note"
FILTER_CLEAR = "filter-clear"

# Map panel
MAP = "map-map"
MAP_MOVED = "map-moved"  # the map's centre and zoom, only when moved by more than a pixel (assets/map.js)
MAP_POINTS = "map-points"
MAP_BOROUGHS = "map-boroughs"
MAP_POPUP = "map-popup"
MAP_LEGEND = "map-legend"
MAP_COUNT = "map-count"
MAP_MESSAGE = "map-message"
MAP_PANEL = "map-panel"
MAP_LAYERS = "map-layers"  # points and boroughs, or boroughs only

# Time-series panel
SERIES_GRAPH = "series-graph"
SERIES_WRAP = "series-wrap"
SERIES_PICKED = "series-picked"  # the x range a drag on the time series chose, only that (assets/charts.js)
SERIES_MESSAGE = "series-message"
SERIES_GRANULARITY = "series-granularity"
SERIES_HEATMAP = "series-heatmap"
SERIES_HEATMAP_WRAP = "series-heatmap-wrap"

# Borough comparison panel
COMPARE_GRAPH = "compare-graph"
COMPARE_WRAP = "compare-wrap"
COMPARE_MESSAGE = "compare-message"
COMPARE_TABLE = "compare-table"
COMPARE_TABS = "compare-tabs"
COMPARE_SORT = "compare-sort"  # highest or lowest first (drawn in the browser: assets/panels.js)

# Sharing and presenting (issue 5)
URL = "share-url"  # dcc.Location: the query string is the view
VIEW = "share-view"  # map centre and zoom, theme, presentation mode (kept out of the panels' cache keys)
LINK = "share-link"  # the canonical query string for the current state and view
LINK_OPENED = "share-link-opened"  # {"q": query, "n": count}: a link opened, back/forward, a deck slide
SHARE_COPY = "share-copy"
SHARE_NOTICE = "share-notice"
SHARE_BAR = "share-bar"
PRESENT_TOGGLE = "present-toggle"
PRESENT_EXIT = "present-exit"
PRESENT_BANNER = "present-banner"
THEME_TOGGLE = "theme-toggle"
THEME_SINK = "theme-sink"
DECK = "deck-store"
DECK_TITLE = "deck-title"
DECK_NOTE = "deck-note"
DECK_ADD = "deck-add"
DECK_PREV = "deck-prev"
DECK_NEXT = "deck-next"
DECK_POS = "deck-pos"
DECK_STATUS = "deck-status"
DECK_EXPORT = "deck-export"
DECK_DOWNLOAD = "deck-download"
DECK_UPLOAD = "deck-upload"
DECK_COPY = "deck-copy"
DECK_PANELS = "deck-panels"  # which panel(s) a new slide (and the current view, presented) shows
DECK_FEEDBACK = "deck-feedback"  # "Slide added", "3 slides imported", "Slide deleted" (aria-live)
DECK_LIST = "deck-list"
DECK_ITEM_TITLE = "deck-item-title"  # pattern-matching types: {"type": DECK_ITEM_*, "index": i}
DECK_ITEM_UP = "deck-item-up"
DECK_ITEM_DOWN = "deck-item-down"
DECK_ITEM_DELETE = "deck-item-delete"
SLIDE_SINK = "slide-sink"
SHARE_COPY_STATUS = "share-copy-status"  # "Link copied" (aria-live), filled by assets/share.js
DECK_COPY_STATUS = "deck-copy-status"

# Exports
EXPORT_SERIES_CSV = "export-series-csv"
EXPORT_COMPARE_CSV = "export-compare-csv"
EXPORT_HEATMAP_CSV = "export-heatmap-csv"
EXPORT_DEVICES_CSV = "export-devices-csv"
EXPORT_DOWNLOAD = "export-download"

# Text summaries and table alternatives of the charts (accessibility)
SERIES_SUMMARY = "series-summary"
SERIES_HEATMAP_SUMMARY = "series-heatmap-summary"
COMPARE_SUMMARY = "compare-summary"

# Targets and context (issue 17): the 2030 tracker, where next, peer boroughs, event markers
TARGETS_GRAPH = "targets-graph"
TARGETS_WRAP = "targets-wrap"
TARGETS_MESSAGE = "targets-message"
TARGETS_TRACK = "targets-track"  # the measure tracked: all public devices or rapid (state key "track")
TARGETS_BASIS = "targets-basis"  # a borough's share by population or plug-in vehicles (state key "basis")
TARGETS_TABLE = "targets-table"
TARGETS_TABLE_DETAILS = "targets-table-details"
TARGETS_SUMMARY = "targets-summary"
TARGETS_CSV = "targets-csv"
TARGETS_DOWNLOAD = "targets-download"
WHERE_GRAPH = "where-graph"
WHERE_WRAP = "where-wrap"
WHERE_MESSAGE = "where-message"
WHERE_SUMMARY = "where-summary"
WHERE_CSV = "where-csv"
WHERE_DOWNLOAD = "where-download"
PEERS_GRAPH = "peers-graph"
PEERS_WRAP = "peers-wrap"
PEERS_MESSAGE = "peers-message"
PEERS_TABLE = "peers-table"
PEERS_SUMMARY = "peers-summary"
PEERS_COMPARE = "peers-compare"  # "Compare with peers": select the borough and its five peers everywhere
PEERS_CSV = "peers-csv"
PEERS_DOWNLOAD = "peers-download"
SERIES_EVENTS = "series-events"  # event markers shown or hidden (state key "events")

# The tables are built only while their <details> is open (assets/share.js reports its "open")
SERIES_TABLE = "series-table"
SERIES_TABLE_DETAILS = "series-table-details"
SERIES_HEATMAP_TABLE = "series-heatmap-table"
SERIES_HEATMAP_TABLE_DETAILS = "series-heatmap-table-details"

# Issue 15, live status: the map's mode switch and legend, and the status panel (built only while open)
MAP_MODE = "map-mode"
MAP_LIVE_LEGEND = "map-live-legend"
MAP_BAND_LEGEND = "map-band-legend"
LIVE_GATE = "live-gate"  # {"map": mode}: changes only when the mode does (assets/live.js)
LIVE_PANEL_GATE = "live-panel-gate"  # the state, only while the status panel is open
LIVE_TICK = "live-tick"  # re-reads the statuses every minute while the map is in Live now
LIVE_DETAILS = "live-details"
LIVE_BODY = "live-body"
LIVE_RAPID_GRAPH = "live-rapid-graph"
LIVE_BOROUGH_GRAPH = "live-borough-graph"
LIVE_LIST = "live-list"  # dict ids {"type": LIVE_LIST, "kind": kind}: one officer list's <details>
LIVE_LIST_BODY = "live-list-body"  # dict ids {"type": LIVE_LIST_BODY, "kind": kind}: its rows, built when opened
LIVE_CSV_BUTTON = "live-csv-button"
LIVE_CSV = "live-csv"
