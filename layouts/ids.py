"""Every static component id, prefixed by panel. No string ids elsewhere."""

# App shell
STATE = "app-state"  # THE selection state (see callbacks/state.py for its keys)
POINTS = "app-points"  # every device, columnar, held in the browser for the map's filter
ALERT = "app-alert"

# Header and key figures
HEADER_AS_OF = "header-as-of"
HEADER_FIGURES = "header-figures"
HEADER_HELP = "header-help"

# Filter bar
FILTER_DATES = "filter-dates"
FILTER_BANDS = "filter-bands"
FILTER_OPERATORS = "filter-operators"
FILTER_LOCATIONS = "filter-locations"
FILTER_BOROUGHS = "filter-boroughs"
FILTER_METRIC = "filter-metric"
FILTER_DENOMINATOR = "filter-denominator"
FILTER_CLEAR = "filter-clear"

# Map panel
MAP = "map-map"
MAP_POINTS = "map-points"
MAP_BOROUGHS = "map-boroughs"
MAP_POPUP = "map-popup"
MAP_LEGEND = "map-legend"
MAP_COUNT = "map-count"
MAP_MESSAGE = "map-message"

# Time-series panel
SERIES_GRAPH = "series-graph"
SERIES_WRAP = "series-wrap"
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
