/* kpictl: sorts a table of the class kpictl-sortable by a column when its header is pressed,
   and puts a link to download each table's data as CSV below it.
   Served with the site (no request leaves it); without JavaScript the tables read as they are. */
(function () {
  "use strict";

  function key(cell) {
    var raw = cell.getAttribute("data-sort");
    var text = raw === null ? cell.textContent.trim() : raw;
    var number = Number(text.replace(/,/g, ""));
    return text !== "" && !isNaN(number) ? number : text.toLowerCase();
  }

  function compare(a, b) {
    if (typeof a === typeof b) {
      return a < b ? -1 : a > b ? 1 : 0;
    }
    return typeof a === "number" ? -1 : 1;
  }

  function sortable(table) {
    if (table.getAttribute("data-kpictl-sort") || !table.tHead || !table.tBodies.length) {
      return;
    }
    table.setAttribute("data-kpictl-sort", "ready");
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    heads.forEach(function (head, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "kpictl-sort";
      while (head.firstChild) {
        button.appendChild(head.firstChild);
      }
      head.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = head.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) {
          other.removeAttribute("aria-sort");
        });
        head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var order = compare(key(a.cells[column]), key(b.cells[column]));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) {
          body.appendChild(row);
        });
      });
    });
  }

  function cellText(cell) {
    var copy = cell.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".kpictl-phone"), function (extra) {
      extra.remove();
    });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function csvField(text) {
    return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  /* Each table's data as CSV, from the table as the reader sees it (in its current order). */
  function downloadable(table) {
    var holder = table.closest(".kpictl-table") || table;
    if (holder.getAttribute("data-kpictl-csv")) {
      return;
    }
    holder.setAttribute("data-kpictl-csv", "ready");
    var caption = table.caption ? table.caption.textContent.trim() : "table";
    var name = caption.split(":")[0].toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    var link = document.createElement("a");
    link.textContent = "Download this table as CSV";
    link.setAttribute("download", (name || "table") + ".csv");
    link.href = "#";
    link.addEventListener("click", function () {
      var lines = Array.prototype.map.call(table.rows, function (row) {
        return Array.prototype.map.call(row.cells, function (cell) {
          return csvField(cellText(cell));
        }).join(",");
      });
      link.href = "data:text/csv;charset=utf-8," + encodeURIComponent(lines.join("\r\n") + "\r\n");
    });
    var line = document.createElement("p");
    line.className = "kpictl-csv";
    line.setAttribute("data-search-exclude", "");
    line.appendChild(link);
    holder.parentNode.insertBefore(line, holder.nextSibling);
  }

  function all() {
    Array.prototype.forEach.call(document.querySelectorAll("table.kpictl-sortable"), sortable);
    Array.prototype.forEach.call(document.querySelectorAll("table.kpictl"), downloadable);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(all);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", all);
  } else {
    all();
  }
})();
