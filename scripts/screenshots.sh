#!/usr/bin/env bash
# Render what a person sees: the school report, the county summary (HTML) and the county workbook (XLSX), as
# PNG screenshots and PDF prints, from the bundled examples.
#
#   scripts/screenshots.sh [OUT_DIR]        (default: build/screenshots)
#
# Needs the distribution's packages (Debian/Ubuntu names):
#   apt-get install -y chromium libreoffice-calc poppler-utils fonts-noto-cjk
# and the tool installed in .venv (python3 -m venv .venv && .venv/bin/pip install -e .).
#
# Writes, in OUT_DIR:
#   school.html / county.html / county.xlsx         the outputs themselves (examples, --as-of 2025-12-31)
#   school.png, county.png                          headless Chromium screenshots at 1280 px wide
#   school.pdf, county.pdf                          Chromium's A4 print (what "Print" in the browser gives)
#   county-xlsx.pdf                                 LibreOffice's print of the workbook (every sheet)
#   *-page-N.png                                    every PDF page at 60 dpi, to look at the pagination
# and prints the page count of each PDF.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-build/screenshots}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
tool=".venv/bin/dangjian-audit"
[ -x "$tool" ] || tool="dangjian-audit"
chrome="$(command -v chromium || command -v chromium-browser || command -v google-chrome)"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

as_of=2025-12-31
log="$out/dangjian-audit.log"
: > "$log"
run() {
  # Exit codes 1 (a gate failed) and 3 (examples/invalid holds broken files on purpose) still write the reports.
  local code=0
  "$tool" "$@" 2>>"$log" || code=$?
  if [ "$code" -gt 3 ]; then echo "dangjian-audit $* exited $code; see $log" >&2; exit 1; fi
}
run check examples/county-houliu-primary.yaml --as-of "$as_of" -f html -o "$out/school.html"
run batch examples --as-of "$as_of" -f html --output "$out/county.html"
run batch examples --as-of "$as_of" -f xlsx --output "$out/county.xlsx"

headless() {
  "$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$profile" "$@" 2>/dev/null
}
for name in school county; do
  headless --screenshot="$out/$name.png" --window-size=1280,2000 "file://$out/$name.html"
  headless --no-pdf-header-footer --print-to-pdf="$out/$name.pdf" "file://$out/$name.html"
done
soffice --headless -env:UserInstallation="file://$profile/lo" --convert-to pdf --outdir "$profile" \
  "$out/county.xlsx" >/dev/null
mv "$profile/county.pdf" "$out/county-xlsx.pdf"

for pdf in school county county-xlsx; do
  rm -f "$out/$pdf-page-"*.png
  pdftoppm -png -r 60 "$out/$pdf.pdf" "$out/$pdf-page"
  pages="$(pdfinfo "$out/$pdf.pdf" | awk '/^Pages:/ {print $2}')"
  echo "$pdf.pdf: $pages page(s)"
done
echo "written to $out"
