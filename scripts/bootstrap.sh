# Shared install steps for run.sh, test.sh and .ci/run. Idempotent: a second run
# only checks. Sourced, not executed.

bootstrap_python() {
    if [ ! -x .venv/bin/python ]; then
        echo "» 创建 Python 虚拟环境 .venv"
        python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
    fi
    local stamp=.venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)
    if [ ! -f "$stamp" ]; then
        echo "» 安装 Python 依赖（首次运行需要几分钟）"
        .venv/bin/pip install -q --upgrade pip
        .venv/bin/pip install -q -e '.[test]'
        touch "$stamp"
    fi
}

# Debian packages the tests need: Chromium for browser tests, poppler for pdftoppm,
# Noto CJK fonts for PDF rendering. Installed only when missing.
bootstrap_system_packages() {
    local missing=()
    command -v chromium >/dev/null || missing+=(chromium)
    command -v pdftoppm >/dev/null || missing+=(poppler-utils)
    [ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
    _apt_install "" "${missing[@]}" || return 1
    bootstrap_document_converters
}

# Old Word (.doc) and WPS plans are converted by LibreOffice's headless Writer (antiword
# as a fallback), scanned PDFs read by Tesseract with the Simplified Chinese model.
# Without recommends: the converters need no desktop, Java or help files.
bootstrap_document_converters() {
    local missing=()
    command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
    command -v antiword >/dev/null || missing+=(antiword)
    command -v tesseract >/dev/null || missing+=(tesseract-ocr)
    ls /usr/share/tesseract-ocr/*/tessdata/chi_sim.traineddata >/dev/null 2>&1 || missing+=(tesseract-ocr-chi-sim)
    _apt_install --no-install-recommends "${missing[@]}"
}

_apt_install() {
    local options=$1
    shift
    [ $# -gt 0 ] || return 0
    if [ "$(id -u)" = 0 ]; then
        echo "» 安装系统软件包：$*"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $options "$@" >/dev/null
    else
        echo "缺少系统软件包：$*。请以 root 运行：apt-get install $*" >&2
        return 1
    fi
}
