; Included by electron-builder's NSIS installer (electron-builder.yml → nsis.include).
; A Blockparty node listens for the other laptops of the classroom. Windows asks about that with a
; firewall prompt whose "Public networks" box is unticked, and many school Wi-Fi networks are Public:
; a student who clicks through (or presses Cancel) is then unreachable and nothing says so. The installer
; therefore allows the app itself, inbound, on private, public and domain networks. The rule names the
; program, not a port, so it follows the port the node actually takes and covers mDNS discovery too.
!define BLOCKPARTY_FIREWALL_RULE "Blockparty (classroom node)"

!macro blockpartyFirewall VERB ARGS
  ; Elevated already (per-machine install, or run as administrator): netsh directly.
  nsExec::ExecToLog 'netsh advfirewall firewall ${VERB} rule name="${BLOCKPARTY_FIREWALL_RULE}" ${ARGS}'
  Pop $0
  ${If} $0 != 0
    ; A per-user install is not elevated: ask Windows (UAC) for this one command. Declining only
    ; leaves the rule out; Windows' own prompt then appears at the first start.
    ExecShellWait "runas" "netsh" 'advfirewall firewall ${VERB} rule name="${BLOCKPARTY_FIREWALL_RULE}" ${ARGS}' SW_HIDE
  ${EndIf}
!macroend

!macro customInstall
  ; Replace, never duplicate, the rule of an earlier install.
  nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="${BLOCKPARTY_FIREWALL_RULE}"'
  Pop $0
  !insertmacro blockpartyFirewall "add" 'dir=in action=allow enable=yes profile=private,public,domain program="$INSTDIR\${APP_EXECUTABLE_FILENAME}"'
!macroend

!macro customUnInstall
  !insertmacro blockpartyFirewall "delete" ""
!macroend
