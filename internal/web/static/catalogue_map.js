// Catalogue maps: the small map of one place (product, producer, craft
// village) and the map page with clustered markers from the GeoJSON
// endpoint and "near me" (browser location → nearest craft villages,
// computed by the server). Tiles come from the configured URL.
(function () {
  "use strict";
  if (!window.L) return;
  var attribution = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';
  function tiles(el) {
    return L.tileLayer(el.dataset.tiles || "https://tile.openstreetmap.org/{z}/{x}/{y}.png", { maxZoom: 19, attribution: attribution });
  }
  function dot(kind) {
    return L.divIcon({ className: "cat-icon", html: '<div class="cat-dot cat-dot-' + kind + '"></div>', iconSize: [24, 24], iconAnchor: [12, 12] });
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  document.querySelectorAll(".cat-minimap").forEach(function (el) {
    var ll = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
    var m = L.map(el, { scrollWheelZoom: false }).setView(ll, 14);
    tiles(el).addTo(m);
    L.marker(ll, { icon: dot("producer"), title: el.dataset.label, alt: el.dataset.label }).addTo(m);
  });
  var el = document.getElementById("catalogue-map");
  if (!el) return;
  var map = L.map(el).setView([21.03, 105.85], 10);
  tiles(el).addTo(map);
  var group = L.markerClusterGroup ? L.markerClusterGroup({ chunkedLoading: true }) : L.layerGroup();
  map.addLayer(group);
  fetch(el.dataset.markers, { headers: { Accept: "application/geo+json" } })
    .then(function (r) { return r.json(); })
    .then(function (fc) {
      var ms = [];
      fc.features.forEach(function (f) {
        var p = f.properties, c = f.geometry.coordinates;
        var m = L.marker([c[1], c[0]], { icon: dot(p.kind), title: p.name, alt: p.name, keyboard: true });
        m.bindPopup('<a href="' + (p.kind === "village" ? "/villages/" : "/producers/") + p.id + '">' + esc(p.name) + "</a><br>" + p.products + " " + esc(el.dataset.productsLabel));
        ms.push(m);
      });
      if (group.addLayers) group.addLayers(ms); else ms.forEach(function (m) { group.addLayer(m); });
      if (ms.length) map.fitBounds(L.featureGroup(ms).getBounds(), { maxZoom: 14, padding: [20, 20] });
    })
    .catch(function () {});
  if (el.dataset.salepoints) {
    // Sale points (issue 7): a layer of their own, not clustered with producers.
    fetch(el.dataset.salepoints, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (fc) {
        var layer = L.layerGroup();
        fc.features.forEach(function (f) {
          var p = f.properties, c = f.geometry.coordinates;
          L.marker([c[1], c[0]], { icon: dot("salepoint"), title: p.name, alt: p.name, keyboard: true })
            .bindPopup('<a href="/sale-points/' + p.id + '">' + esc(p.name) + "</a><br>" + p.products + " " + esc(el.dataset.productsLabel))
            .addTo(layer);
        });
        layer.addTo(map);
        var ctl = {};
        ctl[esc(el.dataset.salepointsLabel || "")] = layer;
        L.control.layers(null, ctl).addTo(map);
      })
      .catch(function () {});
  }
  var btn = document.getElementById("near-me"), out = document.getElementById("near-result");
  if (btn && navigator.geolocation) {
    btn.hidden = false;
    btn.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        var lat = pos.coords.latitude, lon = pos.coords.longitude;
        fetch("/api/v1/catalogue/nearest-villages?lat=" + lat + "&lon=" + lon + "&n=3")
          .then(function (r) { return r.json(); })
          .then(function (res) {
            var html = "<h2>" + esc(el.dataset.nearLabel) + "</h2><ol>";
            res.items.forEach(function (v) {
              html += '<li><a href="' + esc(v.url) + '">' + esc(document.documentElement.lang === "en" && v.name_en ? v.name_en : v.name) + "</a> · " + v.distance_km.toFixed(1) + " km</li>";
            });
            out.innerHTML = html + "</ol>";
            L.circleMarker([lat, lon], { radius: 7 }).addTo(map);
            if (res.items.length) {
              var v = res.items[0].point;
              map.fitBounds(L.latLngBounds([[lat, lon], [v.lat, v.lng]]), { maxZoom: 15, padding: [30, 30] });
            }
          });
      }, function () {
        out.innerHTML = '<p class="error">' + esc(el.dataset.errorLabel) + "</p>";
      }, { timeout: 10000, maximumAge: 60000 });
    });
  }
})();
