// conflictmap web viewer: the yearly heat tiles written by `conflictmap tiles`, with a
// year slider, a play button, the legend, the study's zones and the events as clickable
// points. No basemap is fetched from the internet: the country, its neighbours and admin
// units come from data/map.js, so the page works offline, also opened as a file.
//
// Data arrives through <script> files (data/map.js, data/events_<year>.js), not fetch():
// browsers refuse fetch() of local files under file://, but run local scripts. Served
// over HTTP (conflictmap serve, or any web server that answers range requests), the
// events come from events.pmtiles instead, through the vendored protomaps-leaflet: every
// event of the year is drawn, not only the deadliest EVENTS_PER_YEAR of the script files.
(function () {
  'use strict';

  // Errors go into a visible list (and the DOM, where the browser test reads them).
  var errorList = document.getElementById('errors');
  function reportError(message) {
    var li = document.createElement('li');
    li.textContent = message;
    errorList.appendChild(li);
    errorList.hidden = false;
  }
  window.addEventListener('error', function (e) {
    reportError('Error: ' + e.message + (e.filename ? ' (' + e.filename + ':' + e.lineno + ')' : ''));
  });
  window.addEventListener('unhandledrejection', function (e) {
    reportError('Error: ' + (e.reason && e.reason.message ? e.reason.message : String(e.reason)));
  });

  // 1x1 transparent GIF: shown where a tile is missing (empty tiles are not written).
  var EMPTY_TILE = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
  var PLAY_MS = 1200;
  var ZONE_COLOUR = '#6a1b9a';
  var EVENT_COLOUR = '#1d1d35';
  // Below this zoom a kernel bandwidth spans a few pixels only: events are small faint
  // dots so they do not cover the heat; from it on, rings sized by fatalities.
  var DETAIL_ZOOM = 8;

  var cfg, tiles, years, map, slider, yearLabel, noteEl, playButton, status;
  var heat = {};          // year -> L.TileLayer
  var shownHeat = null;   // the layer of the selected year
  var events = {};        // year -> GeoJSON FeatureCollection, once loaded
  var eventLayer;         // L.LayerGroup of the selected year's markers (script files)
  var eventTiles = null;  // tiles.json's "events" when the page reads events.pmtiles
  var tileLayer = null;   // the protomaps-leaflet layer drawing events.pmtiles
  var clickCache = null;  // tiles of events.pmtiles read for popups (deepest zoom)
  var tilesProblem = '';  // why events.pmtiles was not used, when the page fell back
  var renderer;           // canvas renderer for the markers
  var current = null;     // selected year
  var timer = null;       // play interval

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function fmt(v) {
    if (v === 0) return '0';
    var a = Math.abs(v);
    var digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
    return v.toLocaleString('en-US', { maximumFractionDigits: digits });
  }

  // ---- the year's events --------------------------------------------------------------

  // Called by data/events_<year>.js.
  window.conflictmapEvents = function (year, collection) {
    events[year] = collection;
    if (year === current) drawEvents(year);
  };

  function loadEvents(year) {
    if (eventTiles) {
      drawEvents(year);
      return;
    }
    var info = cfg.events.years[year];
    if (events[year] || !info || info.shown === 0) {
      drawEvents(year);
      return;
    }
    if (document.getElementById('events-' + year)) return; // already loading
    var s = document.createElement('script');
    s.id = 'events-' + year;
    s.src = info.file;
    s.onerror = function () { reportError('Could not load ' + info.file); };
    document.body.appendChild(s);
  }

  function markerRadius(fatalities) {
    return Math.min(2.5 + Math.sqrt(fatalities), 9);
  }

  function detailed() {
    return map.getZoom() >= DETAIL_ZOOM;
  }

  // The marker style of an event at the map's zoom (see DETAIL_ZOOM).
  function eventStyle(fatalities) {
    if (!detailed()) {
      return {
        radius: 1.5, weight: 0, opacity: 0,
        fillColor: EVENT_COLOUR, fillOpacity: 0.45
      };
    }
    // Rings with a light fill: the heat under them stays readable.
    return {
      radius: markerRadius(fatalities),
      color: EVENT_COLOUR, weight: 1, opacity: 0.75,
      fillColor: '#ffffff', fillOpacity: 0.25
    };
  }

  function popupHtml(p) {
    var rows = [
      ['Date', p.event_date],
      ['Type', p.event_type + (p.sub_event_type ? ' \u2014 ' + p.sub_event_type : '')],
      ['Actors', p.primary_actors],
      ['Associated', p.associated_actors],
      ['Fatalities', p.fatalities],
      ['Location', [p.location, p.admin2, p.admin1].filter(function (x) { return x; }).join(', ')],
      ['Precision', p.geo_precision === null ? '' : { 1: 'town', 2: 'near a town', 3: 'region' }[p.geo_precision] || p.geo_precision],
      ['Notes', p.notes],
      ['Source', p.source],
      ['Event id', p.event_id]
    ];
    var html = '<div class="popup"><h2>' + escapeHtml(p.event_type) + ', ' + escapeHtml(p.event_date) + '</h2><dl>';
    rows.forEach(function (r) {
      if (r[1] === '' || r[1] === null || r[1] === undefined) return;
      var text = String(r[1]);
      var max = r[0] === 'Notes' ? 1200 : 300;
      if (text.length > max) text = text.slice(0, max - 3) + '\u2026';
      html += '<dt>' + r[0] + '</dt><dd' + (r[0] === 'Notes' ? ' class="notes"' : '') + '>' + escapeHtml(text) + '</dd>';
    });
    return html + '</dl></div>';
  }

  function drawEvents(year) {
    if (eventTiles) {
      drawEventTiles(year);
      return;
    }
    eventLayer.clearLayers();
    var info = cfg.events.years[year] || { total: 0, shown: 0 };
    var collection = events[year];
    var drawn = 0;
    if (collection) {
      collection.features.forEach(function (f) {
        var c = f.geometry.coordinates;
        var p = f.properties;
        var style = eventStyle(p.fatalities || 0);
        style.renderer = renderer;
        style.fatalities = p.fatalities || 0;
        L.circleMarker([c[1], c[0]], style).bindPopup(function () { return popupHtml(p); }, { maxWidth: 320 }).addTo(eventLayer);
        drawn += 1;
      });
    }
    var text = eventsText(year, info);
    noteEl.className = 'note';
    if (info.shown < info.total) {
      text += ' Points: the ' + info.shown.toLocaleString('en-US') + ' deadliest (of ' +
        info.total.toLocaleString('en-US') + '); the heat counts them all.';
      noteEl.className = 'note warn';
    }
    if (tilesProblem) {
      text += ' ' + tilesProblem;
      noteEl.className = 'note warn';
    }
    noteEl.textContent = text;
    status.setAttribute('data-events-drawn', String(drawn));
    status.setAttribute('data-events-total', String(info.total));
  }

  // ---- the year's events from events.pmtiles -----------------------------------------

  // Tile units across a tile of events.pmtiles (MVT extent), and a CSS pixel at the
  // deepest zoom in them when the map shows that zoom (tiles are 256 CSS pixels there).
  var EXTENT = 4096;
  var CLICK_PX = 10;      // how near a click must be to an event, CSS pixels

  function eventsText(year, info) {
    return info.total === 0 ? 'No events in ' + year + '.'
      : info.total.toLocaleString('en-US') + ' event' + (info.total === 1 ? '' : 's') + ' in ' + year + '; click a point for details.';
  }

  // The paint rule of protomaps-leaflet: the selected year's points, styled as the
  // markers of the script files (see eventStyle); below zoom 12 a point may stand for
  // several events on one pixel (its "events"), with their summed fatalities.
  function eventTileRule() {
    var rgba = function (hex, a) {
      var v = parseInt(hex.slice(1), 16);
      return 'rgba(' + (v >> 16) + ',' + ((v >> 8) & 255) + ',' + (v & 255) + ',' + a + ')';
    };
    var detailedAt = function (z) { return z >= DETAIL_ZOOM; };
    return {
      dataLayer: eventTiles.layer,
      filter: function (z, f) { return f.props.year === current; },
      symbolizer: new protomapsL.CircleSymbolizer({
        radius: function (z, f) { return detailedAt(z) ? markerRadius(f.props.fatalities || 0) : 1.5; },
        fill: function (z) { return detailedAt(z) ? 'rgba(255,255,255,0.25)' : rgba(EVENT_COLOUR, 0.45); },
        stroke: rgba(EVENT_COLOUR, 0.75),
        width: function (z) { return detailedAt(z) ? 1 : 0; },
        opacity: 1
      })
    };
  }

  // The events of the current year in the tiles the layer has read for the current
  // view (each counted in the tile it lies in, not in its neighbours' margins).
  function eventsInView() {
    var view = tileLayer.views && tileLayer.views.get('');
    if (!view) return 0;
    var z = Math.max(0, Math.min(Math.round(map.getZoom()) - view.levelDiff, view.maxDataLevel));
    var size = view.tileCache.tileSize;
    var n = 0;
    view.tileCache.cache.forEach(function (entry, key) {
      if (Number(key.split(':')[2]) !== z) return; // keys are x:y:z
      (entry.data.get(eventTiles.layer) || []).forEach(function (f) {
        var p = f.geom[0][0];
        if (f.props.year === current && p.x >= 0 && p.y >= 0 && p.x < size && p.y < size) {
          n += f.props[eventTiles.count_field] || 1;
        }
      });
    });
    return n;
  }

  function drawEventTiles(year) {
    var info = cfg.events.years[year] || { total: 0, shown: 0 };
    noteEl.className = 'note';
    noteEl.textContent = eventsText(year, info);
    status.setAttribute('data-events-total', String(info.total));
    map.closePopup();
    if (tileLayer) tileLayer.rerenderTiles(); // else the layer is still to come
  }

  // A click: the events of the selected year within CLICK_PX of it, read from the
  // deepest zoom's tiles (which hold every event with its notes). Below DETAIL_ZOOM the
  // circle would span many tiles: the popup says how many events are there and offers
  // to zoom in.
  function clickEvents(e) {
    var z = eventTiles.maxzoom;
    var zoom = map.getZoom();
    var year = current;
    var unitsPerPx = Math.pow(2, z - zoom) * EXTENT / 256;
    var radius = CLICK_PX * unitsPerPx;
    if (zoom < DETAIL_ZOOM) {
      var picked = tileLayer.queryTileFeaturesDebug(e.latlng.lng, e.latlng.lat, CLICK_PX).get('') || [];
      var count = 0, deaths = 0;
      picked.forEach(function (p) {
        if (p.layerName !== eventTiles.layer || p.feature.props.year !== year) return;
        count += p.feature.props[eventTiles.count_field] || 1;
        deaths += p.feature.props.fatalities || 0;
      });
      if (count === 0) return;
      var div = el('div', 'popup');
      div.appendChild(el('h2', null, count.toLocaleString('en-US') + ' event' + (count === 1 ? '' : 's') + ' here in ' + year));
      div.appendChild(el('p', null, deaths.toLocaleString('en-US') + ' fatalities.'));
      var zoomIn = el('button', 'zoom-in', 'Zoom in to read them');
      zoomIn.type = 'button';
      zoomIn.addEventListener('click', function () { map.setView(e.latlng, DETAIL_ZOOM + 1); });
      div.appendChild(zoomIn);
      L.popup({ maxWidth: 320 }).setLatLng(e.latlng).setContent(div).openOn(map);
      return;
    }
    var at = map.project(e.latlng, z);   // CSS pixels of zoom z: 256 a tile
    var ux = at.x / 256 * EXTENT, uy = at.y / 256 * EXTENT;
    var tiles = [];
    for (var tx = Math.floor((ux - radius) / EXTENT); tx <= Math.floor((ux + radius) / EXTENT); tx++) {
      for (var ty = Math.floor((uy - radius) / EXTENT); ty <= Math.floor((uy + radius) / EXTENT); ty++) {
        tiles.push({ z: z, x: tx, y: ty });
      }
    }
    Promise.all(tiles.map(function (t) {
      return clickCache.get(t).then(function (data) { return { t: t, data: data }; });
    })).then(function (read) {
      var seen = {}, found = [];
      read.forEach(function (r) {
        (r.data.get(eventTiles.layer) || []).forEach(function (f) {
          var p = f.geom[0][0];
          var d = Math.hypot(r.t.x * EXTENT + p.x - ux, r.t.y * EXTENT + p.y - uy);
          var id = f.props.event_id;
          if (f.props.year !== year || d > radius || seen[id]) return;
          seen[id] = true;
          found.push({ d: d, p: f.props });
        });
      });
      if (found.length === 0 || year !== current) return;
      found.sort(function (a, b) { return a.d - b.d || String(a.p.event_date).localeCompare(String(b.p.event_date)); });
      var MAX = 5;
      var html = found.slice(0, MAX).map(function (x) { return popupHtml(x.p); }).join('');
      if (found.length > MAX) {
        html += '<p class="more">and ' + (found.length - MAX) + ' more event' + (found.length - MAX === 1 ? '' : 's') + ' here; zoom in to tell them apart.</p>';
      }
      L.popup({ maxWidth: 340, maxHeight: 360 }).setLatLng(e.latlng).setContent(html).openOn(map);
      status.setAttribute('data-popup-events', String(found.length));
    }).catch(function (err) {
      reportError('Could not read ' + eventTiles.pmtiles + ': ' + (err && err.message ? err.message : err));
    });
  }

  // The layer drawing events.pmtiles into `group`, and the popups of its points. It
  // needs a server that answers range requests: a first small one (not from the cache)
  // checks that. Without them (a plain static server) or without the archive, the page
  // falls back to the script files, and says why.
  function startEventTiles(group) {
    var file = eventTiles.pmtiles;
    fetch(file, { headers: { Range: 'bytes=0-6' }, cache: 'no-store' }).then(function (r) {
      if (r.status !== 206) throw new Error('the server answered ' + r.status + ' to a range request, not 206');
      return r.arrayBuffer();
    }).then(function (bytes) {
      if (String.fromCharCode.apply(null, new Uint8Array(bytes)) !== 'PMTiles') throw new Error('not a PMTiles archive');
      addEventTiles(group);
    }).catch(function (err) {
      eventTiles = null;
      tilesProblem = file + ' could not be read here (' + (err && err.message ? err.message : err) +
        '); the points come from the script files.';
      status.setAttribute('data-events-source', 'scripts');
      if (current !== null) loadEvents(current);
    });
  }

  function addEventTiles(group) {
    tileLayer = protomapsL.leafletLayer({
      url: eventTiles.pmtiles,
      maxDataZoom: eventTiles.maxzoom,
      paintRules: [eventTileRule()],
      labelRules: [],
      attribution: '',
      pane: 'events'
    });
    tileLayer.on('load', function () {
      status.setAttribute('data-events-drawn', String(eventsInView()));
      status.setAttribute('data-event-tiles-year', String(current));
    });
    clickCache = new protomapsL.TileCache(new protomapsL.PmtilesSource(eventTiles.pmtiles, false), EXTENT);
    map.on('click', clickEvents);
    status.setAttribute('data-events-source', 'pmtiles');
    group.addLayer(tileLayer);
  }

  // ---- the year's heat tiles ----------------------------------------------------------

  function heatLayer(year) {
    if (!heat[year]) {
      var b = tiles.bounds;
      heat[year] = L.tileLayer(tiles.xyz.replace('{year}', year), {
        pane: 'heat',
        // 512 px tiles are the @2x of the usual 256 px grid: shown at 256 CSS pixels.
        tileSize: 256,
        minNativeZoom: tiles.minzoom,
        maxNativeZoom: tiles.maxzoom,
        minZoom: 0,
        maxZoom: map.getMaxZoom(),
        bounds: L.latLngBounds([b[1], b[0]], [b[3], b[2]]),
        errorTileUrl: EMPTY_TILE,
        attribution: ''
      });
      heat[year].on('load', function () {
        // Drop the previous year's layer only when this one is complete: no flicker.
        Object.keys(heat).forEach(function (y) {
          if (heat[y] !== shownHeat && map.hasLayer(heat[y])) map.removeLayer(heat[y]);
        });
        if (year === current) status.setAttribute('data-tiles-year', String(year));
      });
    }
    return heat[year];
  }

  function showYear(index) {
    var year = years[index];
    if (year === current) return;
    current = year;
    yearLabel.textContent = String(year);
    status.setAttribute('data-year', String(year));
    shownHeat = heatLayer(year);
    if (!map.hasLayer(shownHeat)) shownHeat.addTo(map);
    shownHeat.bringToFront();
    loadEvents(year);
  }

  function setPlaying(on) {
    if (on && !timer) {
      timer = window.setInterval(function () {
        var next = (Number(slider.value) + 1) % years.length;
        slider.value = String(next);
        slider.dispatchEvent(new Event('input'));
      }, PLAY_MS);
    } else if (!on && timer) {
      window.clearInterval(timer);
      timer = null;
    }
    playButton.textContent = timer ? '\u275a\u275a Pause' : '\u25b6 Play';
    playButton.setAttribute('aria-pressed', timer ? 'true' : 'false');
  }

  // ---- map furniture ------------------------------------------------------------------

  function panel() {
    var c = L.control({ position: 'topright' });
    c.onAdd = function () {
      var d = el('div', 'panel');
      d.appendChild(el('h1', null, cfg.title));
      d.appendChild(el('p', 'sub', cfg.subtitle));
      yearLabel = el('div', 'year');
      yearLabel.id = 'year-label';
      d.appendChild(yearLabel);
      var controls = el('div', 'controls');
      playButton = el('button', null, '\u25b6 Play');
      playButton.type = 'button';
      playButton.id = 'play';
      playButton.addEventListener('click', function () { setPlaying(!timer); });
      slider = el('input');
      slider.type = 'range';
      slider.id = 'year-slider';
      slider.min = '0';
      slider.max = String(years.length - 1);
      slider.step = '1';
      slider.setAttribute('aria-label', 'Year');
      slider.addEventListener('input', function () { showYear(Number(slider.value)); });
      controls.appendChild(playButton);
      controls.appendChild(slider);
      d.appendChild(controls);
      var ticks = el('div', 'ticks');
      ticks.appendChild(el('span', null, String(years[0])));
      ticks.appendChild(el('span', null, String(years[years.length - 1])));
      d.appendChild(ticks);
      noteEl = el('div', 'note');
      noteEl.id = 'events-note';
      d.appendChild(noteEl);
      L.DomEvent.disableClickPropagation(d);
      L.DomEvent.disableScrollPropagation(d);
      return d;
    };
    return c;
  }

  function legend() {
    var c = L.control({ position: 'bottomright' });
    c.onAdd = function () {
      var lg = tiles.legend;
      var d = el('div', 'panel legend');
      d.id = 'legend';
      d.appendChild(el('strong', null, tiles.category.label));
      d.appendChild(el('div', 'sub', tiles.unit + '; one colour scale for every year'));
      var stops = lg.stops;
      // The stops are evenly spaced along the ramp (which may be a square-root scale of
      // the values), so they are drawn evenly spaced, each labelled with its value.
      var at = function (i) { return (100 * i / (stops.length - 1)).toFixed(2) + '%'; };
      var bar = el('div', 'bar');
      bar.style.background = 'linear-gradient(to right, ' + stops.map(function (s, i) {
        return s[1] + ' ' + at(i);
      }).join(', ') + ')';
      d.appendChild(bar);
      var scale = el('div', 'scale');
      stops.forEach(function (s, i) {
        var t = el('span', null, fmt(s[0]));
        t.style.left = at(i);
        scale.appendChild(t);
      });
      d.appendChild(scale);
      if (lg.threshold > 0) {
        d.appendChild(el('div', 'sub', 'Below ' + fmt(lg.threshold) + ': not coloured'));
      }
      var zoneKey = el('div', 'key');
      var sw = el('span', 'swatch');
      sw.style.borderTopColor = ZONE_COLOUR;
      sw.style.borderTopStyle = 'dashed';
      zoneKey.appendChild(sw);
      zoneKey.appendChild(el('span', null, 'Analysis zones'));
      d.appendChild(zoneKey);
      var eventKey = el('div', 'key');
      var dot = el('span', 'dot');
      dot.style.border = '1px solid ' + EVENT_COLOUR;
      eventKey.appendChild(dot);
      eventKey.appendChild(el('span', null, 'Events (size: fatalities from zoom ' + DETAIL_ZOOM + ')'));
      d.appendChild(eventKey);
      return d;
    };
    return c;
  }

  function boundaryStyle(f) {
    switch (f.properties.kind) {
      case 'neighbour': return { pane: 'land', color: '#9a9a9a', weight: 0.8, fillColor: '#efede6', fillOpacity: 1 };
      case 'country': return { pane: 'land', color: '#3a3a3a', weight: 1.6, fillColor: '#fbfaf6', fillOpacity: 1 };
      case 'lake': return { pane: 'land', color: '#8fb3cc', weight: 0.5, fillColor: '#bcd5e6', fillOpacity: 1 };
      case 'river': return { pane: 'land', color: '#8fb3cc', weight: 1, fill: false };
      case 'region': return { pane: 'lines', color: '#555', weight: 1, fill: false, dashArray: null };
      case 'cercle': return { pane: 'lines', color: '#999', weight: 0.5, fill: false };
      case 'outline': return { pane: 'lines', color: '#222', weight: 1.8, fill: false };
      default: return { pane: 'lines', color: '#666', weight: 1, fill: false };
    }
  }

  function drawBoundaries() {
    var data = cfg.basemap;
    // Fills below the heat; outlines above it; the country's edge drawn again on top.
    L.geoJSON(data, {
      filter: function (f) { return f.properties.kind !== 'town'; },
      style: boundaryStyle,
      interactive: false
    }).addTo(map);
    var outline = data.features.filter(function (f) { return f.properties.kind === 'country'; });
    L.geoJSON({ type: 'FeatureCollection', features: outline }, {
      style: function () { return boundaryStyle({ properties: { kind: 'outline' } }); },
      interactive: false
    }).addTo(map);
    // Town labels that do not collide: the most populous first, then every town whose
    // label box stays clear of those placed (recomputed at each zoom).
    var towns = data.features.filter(function (f) { return f.properties.kind === 'town'; })
      .sort(function (x, y) { return (y.properties.population || 0) - (x.properties.population || 0); })
      .map(function (f) {
        var c = f.geometry.coordinates;
        return L.circleMarker([c[1], c[0]], { pane: 'labels', radius: 2.5, color: '#333', weight: 1, fillColor: '#fff', fillOpacity: 1, interactive: false })
          .bindTooltip(f.properties.name, { permanent: true, direction: 'right', className: 'town', offset: [3, 0], pane: 'labels' });
      });
    var townLayer = L.layerGroup().addTo(map);
    var placeTowns = function () {
      townLayer.clearLayers();
      var boxes = [];
      towns.forEach(function (m) {
        var p = map.latLngToContainerPoint(m.getLatLng());
        var w = 8 + 6.5 * m.getTooltip().getContent().length;
        var box = [p.x - 4, p.y - 8, p.x + w, p.y + 8];
        var clear = boxes.every(function (o) { return box[2] < o[0] || box[0] > o[2] || box[3] < o[1] || box[1] > o[3]; });
        if (clear) { boxes.push(box); townLayer.addLayer(m); }
      });
    };
    map.on('zoomend', placeTowns);
    placeTowns();
  }

  function zoneStyle(f) {
    var kind = f.properties.kind;
    return {
      pane: 'zones',
      color: ZONE_COLOUR,
      weight: kind === 'band_part' ? 0 : 2,
      opacity: 0.9,
      dashArray: kind === 'ring' ? '6 5' : kind === 'regions' ? '2 4' : null,
      fill: false
    };
  }

  function drawZones() {
    return L.geoJSON(cfg.zones, {
      // Each band is drawn whole; its per-neighbour parts would repeat its outline.
      filter: function (f) { return f.properties.kind !== 'band_part'; },
      style: zoneStyle,
      onEachFeature: function (f, layer) {
        layer.bindTooltip(f.properties.name, { sticky: true });
      }
    }).addTo(map);
  }

  // ---- start --------------------------------------------------------------------------

  function start() {
    cfg = window.CONFLICTMAP;
    if (!cfg || !window.L) {
      reportError('The map data (data/map.js) or the map library did not load. Open the index.html written by conflictmap tiles, in its folder.');
      return;
    }
    tiles = cfg.tiles;
    years = tiles.years.slice();
    if (years.length === 0) {
      reportError('tiles.json lists no years.');
      return;
    }
    status = document.getElementById('status');
    document.title = cfg.title + ' \u2014 conflictmap';
    if (tiles.synthetic) document.getElementById('synthetic').hidden = false;

    map = L.map('map', { zoomSnap: 0.25, minZoom: 1, maxZoom: tiles.maxzoom + 2 });
    [['land', 250], ['heat', 300], ['lines', 350], ['events', 450], ['zones', 455], ['labels', 460]].forEach(function (p) {
      map.createPane(p[0]).style.zIndex = String(p[1]);
    });
    map.getPane('labels').style.pointerEvents = 'none';
    renderer = L.canvas({ pane: 'events', padding: 0.3 });
    var b = tiles.bounds;
    // ?lat=&lon=&zoom= opens the map there (a view to share, or to test a click at);
    // else it fits the study.
    var query = new URLSearchParams(window.location.search);
    var view = ['lat', 'lon', 'zoom'].map(function (k) { return query.get(k); });
    if (view.every(function (v) { return v !== null && isFinite(Number(v)); })) {
      map.setView([Number(view[0]), Number(view[1])], Number(view[2]), { animate: false });
    } else {
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [8, 8] });
    }
    map.attributionControl.setPrefix('Leaflet');
    // One entry: Leaflet would join several with commas after their full stops.
    // tiles.json's TileJSON `attribution` is one string; `credits` lists the lines.
    map.attributionControl.addAttribution((tiles.credits || []).map(function (a) {
      return escapeHtml(a.replace(/\.\s*$/, ''));
    }).join('; '));
    L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);

    drawBoundaries();
    var zoneLayer = drawZones();
    // Every event from events.pmtiles when served over HTTP; else the script files.
    var served = /^https?:$/.test(window.location.protocol);
    if (served && tiles.events && tiles.events.pmtiles && window.protomapsL) eventTiles = tiles.events;
    // One group for the events, whichever draws them (the layers control toggles it).
    eventLayer = L.layerGroup().addTo(map);
    if (eventTiles) startEventTiles(eventLayer);
    else status.setAttribute('data-events-source', 'scripts');
    var wasDetailed = detailed();
    map.on('zoomend', function () {
      // The tile layer draws each zoom anew; the markers change style here.
      var now = detailed();
      if (eventTiles || now === wasDetailed) {
        wasDetailed = now;
        return;
      }
      wasDetailed = now;
      eventLayer.eachLayer(function (m) {
        var st = eventStyle(m.options.fatalities);
        m.setStyle(st);
        m.setRadius(st.radius);
      });
    });
    var overlays = { 'Analysis zones': zoneLayer, 'Events': eventLayer };
    if (tiles.overlay) {
      overlays['Boundaries (tiles)'] = L.tileLayer(tiles.overlay, {
        pane: 'lines', tileSize: 256,
        minNativeZoom: tiles.minzoom, maxNativeZoom: tiles.maxzoom, errorTileUrl: EMPTY_TILE
      });
    }
    panel().addTo(map);
    legend().addTo(map);
    L.control.layers(null, overlays, { position: 'topleft' }).addTo(map);

    // ?year=YYYY selects a year through the slider itself, as a user would.
    var wanted = query.get('year');
    var index = years.length - 1;
    if (wanted !== null) {
      var i = years.indexOf(Number(wanted));
      if (i >= 0) index = i;
      else reportError('Year ' + wanted + ' is not in the tiles (' + years[0] + '\u2013' + years[years.length - 1] + ').');
    }
    slider.value = String(index);
    slider.dispatchEvent(new Event('input'));
    setPlaying(new URLSearchParams(window.location.search).get('play') === '1');
    status.setAttribute('data-ready', 'true');
  }

  document.addEventListener('DOMContentLoaded', start);
})();
