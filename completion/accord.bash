# bash completion for accord(1): subcommands, each command's options, the values of
# --format and --color, rule files (*.accord) and logs (*.xml). Installed as
# share/bash-completion/completions/accord; it needs nothing from the bash-completion
# package, so `source completion/accord.bash` works on its own too.

_accord_files() {
    # Files matching the glob pattern $1, and directories to descend into.
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY+=($(compgen -d -- "$cur"))
    COMPREPLY+=($(compgen -f -X "!$1" -- "$cur"))
}

_accord() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local commands="lint check diff audit smt help"
    COMPREPLY=()

    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    local cmd=${COMP_WORDS[1]}
    local formats="text json sarif junit"
    [ "$cmd" = audit ] && formats="$formats html"

    # --option=value
    case $cur in
        --format=*)
            COMPREPLY=($(compgen -W "$formats" -- "${cur#*=}")); return ;;
        --color=*|--colour=*)
            COMPREPLY=($(compgen -W "auto always never" -- "${cur#*=}")); return ;;
    esac
    case $prev in
        --format)
            COMPREPLY=($(compgen -W "$formats" -- "$cur")); return ;;
        --color|--colour)
            COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
        -o|--output)
            _accord_files '*'; return ;;
        -r|--rules|--baseline)
            _accord_files '*.accord'; return ;;
        --timeout|--max-findings|--chain-head|--threads)
            return ;;   # a number or a digest: nothing to offer
    esac

    local common="--format -o --output --color --quiet -q --help --version"
    local opts
    case $cmd in
        lint|check) opts="$common --strict --timeout" ;;
        diff) opts="$common --strict --timeout --deny-new-permits" ;;
        audit) opts="$common --strict -r --rules --baseline --chain-head --max-findings --threads" ;;
        smt) opts="-o --output --help" ;;
        help) COMPREPLY=($(compgen -W "lint check diff audit smt" -- "$cur")); return ;;
        *) return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [ "$cmd" = audit ]; then
        _accord_files '*.xml'
    else
        _accord_files '*.accord'
    fi
}

complete -F _accord accord
