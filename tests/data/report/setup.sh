# tests/data/report/setup.sh: sourced by the t3NNN report tests after
# tests/e2e/lib.sh. mkdb FILE builds the synthetic study database (the
# schemas, then study.sql: one stored run over GR PL LT HU and ALL);
# pin_fonts points fontconfig at Noto Sans and DejaVu only, so rendered
# images compare with the references in this directory.
RDATA=$DATA/report
mkdb() {
    rm -f "$1"
    for s in "$TOP"/schemas/[0-9][0-9][0-9]-*.sql; do
        sqlite3 -batch "$1" <"$s" || return 1
    done
    sqlite3 -batch "$1" "PRAGMA user_version = $(ls "$TOP"/schemas/[0-9][0-9][0-9]-*.sql | wc -l)" &&
    sqlite3 -batch "$1" <"$RDATA/study.sql" &&
    chmod 600 "$1"   # as the programs make it: no "others can read" warning
}
pin_fonts() {
    mkdir -p fonts fc-cache
    for f in noto/NotoSans-Regular.ttf noto/NotoSans-Bold.ttf \
             noto/NotoSans-Italic.ttf noto/NotoSans-BoldItalic.ttf \
             dejavu/DejaVuSans.ttf dejavu/DejaVuSans-Bold.ttf \
             dejavu/DejaVuSansMono.ttf; do
        ln -sf "/usr/share/fonts/truetype/$f" fonts/
    done
    cat >fonts.conf <<EOC
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>$PWD/fonts</dir>
  <cachedir>$PWD/fc-cache</cachedir>
  <alias><family>monospace</family><prefer><family>DejaVu Sans Mono</family></prefer></alias>
  <alias><family>sans-serif</family><prefer><family>Noto Sans</family></prefer></alias>
</fontconfig>
EOC
    export FONTCONFIG_FILE=$PWD/fonts.conf
}
# Reproducible dates: 2026-11-24 00:00:00 UTC.
export SOURCE_DATE_EPOCH=1795478400
