// "Near me" on a product page: asks the browser for its position and
// reloads the page with lat/lon, so the server lists the three nearest sale
// points that stock the product. Without script the list is in name order.
(function () {
  "use strict";
  var btn = document.getElementById("wtb-near-me");
  if (!btn || !navigator.geolocation) return;
  btn.hidden = false;
  btn.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("wtb-lat").value = pos.coords.latitude.toFixed(5);
      document.getElementById("wtb-lon").value = pos.coords.longitude.toFixed(5);
      document.getElementById("wtb-near").submit();
    }, function () {}, { timeout: 10000, maximumAge: 60000 });
  });
})();

// A tourism route's map: its stops in order, joined by a line.
(function () {
  "use strict";
  var el = document.getElementById("route-map");
  if (!el || !window.L) return;
  var stops = [];
  try { stops = JSON.parse(el.dataset.stops || "[]") || []; } catch (e) { return; }
  var map = L.map(el, { scrollWheelZoom: false }).setView([21.03, 105.85], 10);
  L.tileLayer(el.dataset.tiles || "https://tile.openstreetmap.org/{z}/{x}/{y}.png", { maxZoom: 19, attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>' }).addTo(map);
  var pts = stops.map(function (s, i) {
    L.marker([s.lat, s.lng], { title: (i + 1) + ". " + s.name, alt: s.name }).addTo(map);
    return [s.lat, s.lng];
  });
  if (pts.length > 1) L.polyline(pts).addTo(map);
  if (pts.length) map.fitBounds(L.latLngBounds(pts), { maxZoom: 15, padding: [30, 30] });
})();
