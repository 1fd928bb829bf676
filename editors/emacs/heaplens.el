;;; heaplens.el --- Memory evidence from heaplens in Go buffers, beside gopls -*- lexical-binding: t -*-

;; Author: the heaplens authors
;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1") (jsonrpc "1.0.9"))
;; Keywords: languages, tools, processes

;; This file is not part of GNU Emacs.

;;; Commentary:

;; heaplens is a language server for Go developers who hunt memory
;; leaks: it maps pprof profiles back to source lines and checks Go
;; source for leak patterns.  Most users already run gopls through
;; eglot or lsp-mode, and eglot takes one server per buffer, so this
;; package talks to heaplens itself, through Emacs's own jsonrpc.el,
;; beside whatever runs gopls.
;;
;; Turn on `heaplens-mode' in Go buffers:
;;
;;   (add-hook 'go-mode-hook #'heaplens-mode)      ; and/or go-ts-mode-hook
;;
;; One heaplens process runs per project (the project.el root, else
;; the directory of the nearest go.mod) and serves every Go buffer of
;; that project.  In those buffers:
;;
;; - leak findings, hot lines and the compiler's escape sites are
;;   Flymake diagnostics (the backend `heaplens-flymake', added beside
;;   eglot's or lsp-mode's); an escape site's text goes on with the first
;;   steps of the compiler's explanation (`heaplens-flymake-flow-steps');
;; - each line a profile charges shows its cost at its end, in a face
;;   that gets hotter with the share of the total;
;; - each function with a cost has a lens above it (click it to show
;;   the next sample type);
;; - `heaplens-describe-line' explains the current line: every sample
;;   type's cost, the costliest call paths into it and its escape sites
;;   with the whole explanation;
;; - `heaplens-flame' draws the profile's call tree as text: RET jumps
;;   to a node's hottest line, TAB folds, f focuses, g refreshes;
;; - a GC trace whose live heap grows is a warning in the echo area,
;;   and `heaplens-gc-summary' shows every trace's pauses and trend;
;; - goroutines piling up between two dumps are goroutine-leak
;;   warnings, and `heaplens-goroutines' lists the groups: RET jumps to
;;   where a group blocks.
;;
;; Commands: `heaplens-select-sample-index', `heaplens-load-profile',
;; `heaplens-set-base', `heaplens-clear-base', `heaplens-refresh',
;; `heaplens-status', `heaplens-restart', `heaplens-shutdown'.  They
;; are on `heaplens-command-map', which you may bind to a prefix:
;;
;;   (define-key heaplens-mode-map (kbd "C-c h") heaplens-command-map)
;;
;; Settings for the server (profile globs, sample index, thresholds,
;; path mapping, checks, which escape annotations to show) go in
;; `heaplens-settings', e.g.
;;
;;   (setq heaplens-settings '(:profiles ["prof/*.pb.gz"] :hotThreshold 2
;;                             :annotations (:bounds t) :escapeHotOnly t))
;;
;; lsp-mode users who would rather have lsp-mode run heaplens as an
;; add-on client (diagnostics, lenses and hovers through lsp-mode) set
;; `heaplens-lsp-mode-add-on' before lsp-mode loads, or call
;; `heaplens-lsp-mode-register'.  The line costs and the flame view
;; need `heaplens-mode'.

;;; Code:

(require 'cl-lib)
(require 'seq)
(require 'subr-x)
(require 'jsonrpc)
(require 'flymake)
(require 'project)
(require 'button)
(require 'url-util)

(defconst heaplens-version "0.1.0"
  "The version of this package.")

;;;; Customization

(defgroup heaplens nil
  "Memory evidence (profiles, leak checks) from the heaplens server."
  :group 'tools
  :prefix "heaplens-")

(defcustom heaplens-command "heaplens"
  "The heaplens server: a program name, or a list of program and arguments.
The server speaks LSP on its standard input and output."
  :type '(choice (string :tag "Program")
                 (repeat :tag "Program and arguments" string)))

(defun heaplens--safe-settings-p (value)
  "Return non-nil if VALUE is a settings plist safe as a local variable.
A repository's directory variables may not turn on `runCompiler'."
  (and (listp value)
       (zerop (% (length value) 2))
       (not (plist-member value :runCompiler))))

(defcustom heaplens-settings nil
  "Settings for the server, as a plist, e.g. (:hotThreshold 2).
Sent as the `heaplens' member of initializationOptions when a server
starts and by `heaplens-send-settings'.  Keys are the names of the
SETTINGS in heaplens(1): :profiles, :sampleIndex, :hotThreshold,
:growthThreshold, :trimPath, :sourcePath, :checks, :checkOnChange ...
Arrays are vectors: (:profiles [\"**/*.pb.gz\"])."
  :type 'plist
  :safe #'heaplens--safe-settings-p)

(defcustom heaplens-root-function #'heaplens-default-root
  "Function of no arguments returning the workspace root of this buffer.
One server runs per root."
  :type 'function)

(defcustom heaplens-connect-timeout 30
  "Seconds to wait for a new server to answer initialize."
  :type 'number)

(defcustom heaplens-request-timeout 30
  "Seconds to wait for the answer to a request a command makes."
  :type 'number)

(defcustom heaplens-change-delay 0.2
  "Seconds after an edit before the change is sent to the server."
  :type 'number)

(defcustom heaplens-events-buffer-size 0
  "Size of each server's JSON-RPC events buffer; 0 disables it.
Set it to, say, 2000000 before the server starts to see every message
in the buffer `heaplens-events-buffer' shows."
  :type 'integer)

(defcustom heaplens-use-flymake t
  "Whether `heaplens-mode' turns `flymake-mode' on."
  :type 'boolean)

(defcustom heaplens-flymake-flow-steps 3
  "How many steps of a diagnostic's explanation its Flymake text shows.
An escape site comes with the compiler's explanation of why the value
goes to the heap, one step per line (its relatedInformation).  The
first steps follow the message in the Flymake text, one per line;
Flymake's diagnostics list shows the message's line only.  The whole
explanation is in `heaplens-describe-line'.  0 shows none."
  :type 'integer)

(defcustom heaplens-show-line-costs t
  "Whether `heaplens-mode' shows each line's cost at its end."
  :type 'boolean)

(defcustom heaplens-show-lenses t
  "Whether `heaplens-mode' shows each function's costs above it."
  :type 'boolean)

(defcustom heaplens-line-cost-min-percent 0
  "Show a line's cost only at or above this percent of the total."
  :type 'number)

(defcustom heaplens-line-cost-prefix "  "
  "Text between the end of a line and its cost."
  :type 'string)

(defcustom heaplens-heat-levels '(1.0 5.0 15.0)
  "Percentages of the total where the heat faces change.
Below the first, `heaplens-heat-low'; then `heaplens-heat-medium',
`heaplens-heat-high' and from the third on `heaplens-heat-hottest'."
  :type '(list number number number))

(defcustom heaplens-flame-bar-width 30
  "Width, in columns, of the bar of a node that has the whole total."
  :type 'integer)

(defcustom heaplens-flame-min-percent 0.5
  "Hide flame nodes under this percent of the total (summed in one row)."
  :type 'number)

(defcustom heaplens-lsp-mode-add-on nil
  "When non-nil, register heaplens with lsp-mode as an add-on client.
lsp-mode then starts heaplens beside gopls by itself.  Takes effect
when lsp-mode loads; see also `heaplens-lsp-mode-register'.  Do not
use it together with `heaplens-mode' in the same buffers, or two
servers will report the same diagnostics."
  :type 'boolean)

(defface heaplens-heat-low '((t :inherit shadow))
  "Face of a line cost under the first of `heaplens-heat-levels'.")

(defface heaplens-heat-medium
  '((((class color) (background dark)) :foreground "khaki")
    (((class color) (background light)) :foreground "dark goldenrod")
    (t :inherit default))
  "Face of a line cost between the first and second heat level.")

(defface heaplens-heat-high
  '((((class color) (background dark)) :foreground "orange")
    (((class color) (background light)) :foreground "dark orange")
    (t :weight bold))
  "Face of a line cost between the second and third heat level.")

(defface heaplens-heat-hottest
  '((((class color)) :foreground "red" :weight bold)
    (t :weight bold :inverse-video t))
  "Face of a line cost at or above the third heat level.")

(defface heaplens-heat-negative
  '((((class color) (background dark)) :foreground "pale green")
    (((class color) (background light)) :foreground "forest green")
    (t :slant italic))
  "Face of a cost that shrank (a difference against a base profile).")

(defface heaplens-lens '((t :inherit shadow :height 0.9))
  "Face of the lenses above functions.")

(defface heaplens-flame-name '((t :inherit font-lock-function-name-face))
  "Face of a function's name in the flame view.")

(defface heaplens-flame-location '((t :inherit shadow))
  "Face of a node's file:line in the flame view.")

;;;; Connections

(defclass heaplens-connection (jsonrpc-process-connection)
  ((root :initarg :root :reader heaplens--root
         :documentation "The workspace root directory, with a slash.")
   (capabilities :initform nil :accessor heaplens--capabilities)
   (settings :initarg :settings :accessor heaplens--settings
             :documentation "The `heaplens-settings' the server was given.")
   (buffers :initform nil :accessor heaplens--buffers
            :documentation "The buffers whose documents are open.")
   (diagnostics :initform (make-hash-table :test #'equal)
                :reader heaplens--diagnostics
                :documentation "File name to its last published diagnostics.")
   (sample-index :initform nil :accessor heaplens--sample-index)
   (generation :initform 0 :accessor heaplens--generation
               :documentation "Count of evidenceChanged notifications.")
   (progress :initform nil :accessor heaplens--progress
             :documentation "What the server reports it is doing, or nil.")
   (refresh-timer :initform nil :accessor heaplens--refresh-timer)
   (shutting-down :initform nil :accessor heaplens--shutting-down))
  "A heaplens server serving the Go buffers of one workspace root.")

(defvar heaplens--connections (make-hash-table :test #'equal)
  "Workspace root to its `heaplens-connection'.")

(defconst heaplens--empty-object (make-hash-table)
  "An empty JSON object (never modified).")

(defvar-local heaplens--connection nil
  "The connection serving this buffer, when `heaplens-mode' is on.")

(defvar-local heaplens--file nil
  "The true name of the file this buffer's document is open as.")

(defvar heaplens-mode)

(defun heaplens-default-root ()
  "Return the workspace root of the current buffer.
A directory holding .heaplens.json, else the project.el root, else
the directory of the nearest go.mod, else `default-directory'."
  (let ((project (project-current)))
    (file-name-as-directory
     (expand-file-name
      (or (locate-dominating-file default-directory ".heaplens.json")
          (and project
               (if (fboundp 'project-root)
                   (project-root project)
                 (car (with-no-warnings (project-roots project)))))
          (locate-dominating-file default-directory "go.mod")
          default-directory)))))

(defun heaplens--command-list ()
  "Return `heaplens-command' as a list of program and arguments."
  (if (stringp heaplens-command) (list heaplens-command) heaplens-command))

(defun heaplens--path-to-uri (path)
  "Return the file URI of PATH."
  (concat "file://"
          (url-hexify-string (expand-file-name path)
                             (cons ?/ url-unreserved-chars))))

(defun heaplens--uri-to-path (uri)
  "Return the local file name a file URI names, or nil."
  (when (and (stringp uri) (string-prefix-p "file://" uri))
    ;; Unescape bytes, then read them as UTF-8 (raw UTF-8 included).
    (decode-coding-string
     (url-unhex-string (encode-coding-string (substring uri 7) 'utf-8) t)
     'utf-8)))

(defun heaplens--file-key (path)
  "Return the name PATH is known by in a connection's tables."
  (file-truename path))

(defun heaplens--live-p (conn)
  "Return non-nil if CONN is a connection whose server still runs."
  (and conn (jsonrpc-running-p conn)))

(defun heaplens--initialize-params (root settings)
  "Return the parameters of initialize for a server on ROOT with SETTINGS."
  (let ((uri (heaplens--path-to-uri root)))
    (list :processId (emacs-pid)
          :clientInfo (list :name "heaplens.el" :version heaplens-version)
          :rootPath (directory-file-name root)
          :rootUri uri
          :workspaceFolders
          (vector (list :uri uri
                        :name (file-name-nondirectory
                               (directory-file-name root))))
          :initializationOptions
          (list :heaplens (or settings heaplens--empty-object))
          :capabilities
          (list :workspace
                (list :workspaceFolders t
                      :configuration :json-false
                      :codeLens (list :refreshSupport t)
                      :inlayHint (list :refreshSupport t))
                :textDocument
                (list :synchronization
                      (list :didSave t :willSave :json-false
                            :dynamicRegistration :json-false)
                      :publishDiagnostics (list :relatedInformation
                                                :json-false)
                      :hover (list :contentFormat ["markdown" "plaintext"])
                      :codeLens (list :dynamicRegistration :json-false))
                :window (list :workDoneProgress t)
                :general (list :positionEncodings ["utf-16"])))))

(defun heaplens--connection-name (root)
  "Return a name for the connection of ROOT that no live one has."
  (let* ((base (format "heaplens[%s]"
                       (file-name-nondirectory (directory-file-name root))))
         (name base)
         (n 1)
         taken)
    (maphash (lambda (_root conn)
               (when (heaplens--live-p conn)
                 (push (jsonrpc-name conn) taken)))
             heaplens--connections)
    (while (member name taken)
      (setq n (1+ n)
            name (format "%s<%d>" base n)))
    name))

(defun heaplens--connect (root)
  "Start a heaplens server on ROOT, initialize it and return it.
The server gets this buffer's `heaplens-settings'."
  (let* ((default-directory root)
         (name (heaplens--connection-name root))
         (command (heaplens--command-list))
         (settings heaplens-settings)
         conn)
    (unless (executable-find (car command))
      (user-error "heaplens: cannot find the program %s (set `heaplens-command')"
                  (car command)))
    (setq conn
          (make-instance
           'heaplens-connection
           :name name
           :root root
           :settings settings
           :events-buffer-scrollback-size heaplens-events-buffer-size
           :process
           (lambda ()
             (make-process
              :name name :command command
              :connection-type 'pipe :coding 'utf-8-emacs-unix :noquery t
              ;; jsonrpc.el expects exactly this name for the stderr buffer.
              :stderr (get-buffer-create (format "*%s stderr*" name))))
           :request-dispatcher #'heaplens--handle-request
           :notification-dispatcher #'heaplens--handle-notification
           :on-shutdown #'heaplens--on-shutdown))
    (puthash root conn heaplens--connections)
    (condition-case err
        (let ((result (jsonrpc-request conn :initialize
                                       (heaplens--initialize-params
                                        root settings)
                                       :timeout heaplens-connect-timeout)))
          (setf (heaplens--capabilities conn) (plist-get result :capabilities))
          (jsonrpc-notify conn :initialized heaplens--empty-object)
          conn)
      (error
       (setf (heaplens--shutting-down conn) t)
       (remhash root heaplens--connections)
       (ignore-errors (jsonrpc-shutdown conn))
       (error "heaplens: the server for %s did not start: %s"
              root (error-message-string err))))))

(defun heaplens--ensure-connection ()
  "Return the live connection for this buffer's root, starting one if needed."
  (let* ((root (file-name-as-directory
                (file-truename (funcall heaplens-root-function))))
         (conn (gethash root heaplens--connections)))
    (if (heaplens--live-p conn)
        conn
      (heaplens--connect root))))

(defun heaplens--current-connection (&optional start)
  "Return the connection for the current buffer.
That is the buffer's own, else the one whose root holds
`default-directory', else the only one running.  With START, start
one for this buffer's root when there is none."
  (or (and (heaplens--live-p heaplens--connection) heaplens--connection)
      (let ((dir (file-name-as-directory (file-truename default-directory)))
            found all)
        ;; The innermost root holding the directory.
        (maphash (lambda (root conn)
                   (when (heaplens--live-p conn)
                     (push conn all)
                     (when (and (string-prefix-p root dir)
                                (or (null found)
                                    (> (length root)
                                       (length (heaplens--root found)))))
                       (setq found conn))))
                 heaplens--connections)
        (or found
            (and (= (length all) 1) (car all))
            (and start (heaplens--ensure-connection))
            (user-error "heaplens: no server for this buffer \
(turn on `heaplens-mode' in a Go buffer)")))))

(defun heaplens--on-shutdown (conn)
  "Forget CONN, whose server exited, and clear what it showed."
  (let ((root (heaplens--root conn)))
    (when (eq (gethash root heaplens--connections) conn)
      (remhash root heaplens--connections))
    (when (heaplens--refresh-timer conn)
      (cancel-timer (heaplens--refresh-timer conn)))
    (dolist (buffer (heaplens--buffers conn))
      (when (buffer-live-p buffer)
        (with-current-buffer buffer
          (heaplens--delete-overlays)
          (heaplens--report-diagnostics nil)
          (setq heaplens--connection nil))))
    (setf (heaplens--buffers conn) nil)
    (unless (heaplens--shutting-down conn)
      (message "heaplens: the server for %s exited (%s); see the buffer %s, \
M-x heaplens-restart starts it again"
               (abbreviate-file-name root)
               (string-trim (format "%s" (process-exit-status
                                          (jsonrpc--process conn))))
               (format "*%s stderr*" (jsonrpc-name conn))))))

(defun heaplens--request (conn method params)
  "Send CONN request METHOD with PARAMS and wait for its result.
Errors from the server are `user-error's carrying its message."
  (condition-case err
      (jsonrpc-request conn method params :timeout heaplens-request-timeout)
    (jsonrpc-error
     (user-error "heaplens: %s: %s" method
                 (or (alist-get 'jsonrpc-error-message (cdr err))
                     (cadr err))))))

(defun heaplens--execute (command &rest arguments)
  "Run server COMMAND with ARGUMENTS through workspace/executeCommand."
  (let ((conn (heaplens--current-connection t)))
    (heaplens--flush-all conn)
    (heaplens--request conn :workspace/executeCommand
                       (list :command command
                             :arguments (vconcat arguments)))))

;;;; What the server sends

(defun heaplens--handle-request (conn method params)
  "Answer request METHOD with PARAMS from CONN's server."
  (pcase method
    ((or 'workspace/codeLens/refresh 'workspace/inlayHint/refresh)
     (heaplens--schedule-refresh conn)
     nil)
    ((or 'window/workDoneProgress/create 'client/registerCapability
         'client/unregisterCapability)
     nil)
    ('workspace/configuration
     (vconcat (mapcar (lambda (_item)
                        (or (heaplens--settings conn) heaplens--empty-object))
                      (plist-get params :items))))
    ('window/showMessageRequest
     (heaplens--log conn 3 (plist-get params :message))
     (message "heaplens: %s" (plist-get params :message))
     nil)
    (_ (jsonrpc-error :code -32601
                      :message (format "heaplens.el does not handle %s"
                                       method)))))

(defun heaplens--handle-notification (conn method params)
  "Handle notification METHOD with PARAMS from CONN's server."
  (pcase method
    ('textDocument/publishDiagnostics
     (heaplens--publish conn params))
    ('heaplens/evidenceChanged
     (setf (heaplens--sample-index conn) (plist-get params :sampleIndex))
     (cl-incf (heaplens--generation conn))
     (heaplens--schedule-refresh conn)
     (heaplens--flame-mark-stale conn))
    ('window/logMessage
     (heaplens--log conn (plist-get params :type) (plist-get params :message)))
    ('window/showMessage
     (heaplens--log conn (plist-get params :type) (plist-get params :message))
     (heaplens--show-message (plist-get params :type)
                             (plist-get params :message)))
    ('$/progress
     (heaplens--progress-update conn (plist-get params :value)))
    (_ nil)))

(defun heaplens--show-message (type text)
  "Show TEXT, a window/showMessage of LSP TYPE, in the echo area.
The server's messages start with \"heaplens: \" already; errors and
warnings (a live heap that grows) are in their faces."
  (message "%s" (propertize (if (string-prefix-p "heaplens: " text)
                                text
                              (concat "heaplens: " text))
                            'face (pcase type
                                    (1 'error)
                                    (2 'warning)
                                    (_ 'default)))))

(defun heaplens--log-buffer (conn)
  "Return the buffer of CONN's log messages."
  (let ((buffer (get-buffer-create (format "*%s log*" (jsonrpc-name conn)))))
    (with-current-buffer buffer
      (unless (derived-mode-p 'special-mode)
        (special-mode)))
    buffer))

(defun heaplens--log (conn type text)
  "Append TEXT, a message of LSP TYPE, to CONN's log buffer."
  (with-current-buffer (heaplens--log-buffer conn)
    (let ((inhibit-read-only t))
      (save-excursion
        (goto-char (point-max))
        (insert (format "[%s] %s\n"
                        (pcase type (1 "error") (2 "warning") (3 "info")
                               (_ "log"))
                        text))))))

(defun heaplens--progress-update (conn value)
  "Note progress VALUE of CONN's server for the mode line."
  (setf (heaplens--progress conn)
        (pcase (plist-get value :kind)
          ("end" nil)
          (_ (let ((pct (plist-get value :percentage)))
               (if pct
                   (format "%s%%" pct)
                 (or (plist-get value :title) "busy"))))))
  (force-mode-line-update t))

;;;; Documents

(defvar-local heaplens--uri nil "The URI this buffer's document is open as.")
(defvar-local heaplens--version 0 "The version of the document last sent.")
(defvar-local heaplens--changes nil
  "Content changes not yet sent, newest first, or :full.")
(defvar-local heaplens--before-change nil
  "Where the change in progress began and ended, as (BEG END LSP-RANGE).")
(defvar-local heaplens--change-timer nil "Timer that sends `heaplens--changes'.")

(defun heaplens--utf16-length (string)
  "Return the length of STRING in UTF-16 code units."
  (let ((n (length string)))
    (mapc (lambda (c) (when (> c #xffff) (setq n (1+ n)))) string)
    n))

(defun heaplens--lsp-position (pos)
  "Return the LSP position (0-based line, UTF-16 character) of POS."
  (save-excursion
    (save-restriction
      (widen)
      (goto-char pos)
      (list :line (1- (line-number-at-pos pos t))
            :character (heaplens--utf16-length
                        (buffer-substring-no-properties
                         (line-beginning-position) pos))))))

(defun heaplens--lsp-point (position)
  "Return the buffer position of LSP POSITION, clamped to the buffer."
  (save-excursion
    (save-restriction
      (widen)
      (goto-char (point-min))
      (forward-line (plist-get position :line))
      (let ((units (or (plist-get position :character) 0))
            (eol (line-end-position)))
        (while (and (> units 0) (< (point) eol))
          (setq units (- units (if (> (char-after) #xffff) 2 1)))
          (forward-char)))
      (point))))

(defun heaplens--line-point (line)
  "Return the start of 0-based LINE, or nil when the buffer is shorter."
  (save-excursion
    (save-restriction
      (widen)
      (goto-char (point-min))
      (and (zerop (forward-line line)) (point)))))

(defun heaplens--language-id ()
  "Return the LSP language id of this buffer."
  (if (or (derived-mode-p 'go-mode 'go-ts-mode)
          (and buffer-file-name (string-match-p "\\.go\\'" buffer-file-name)))
      "go"
    (let ((mode (symbol-name major-mode)))
      (if (string-suffix-p "-mode" mode)
          (substring mode 0 -5)
        mode))))

(defun heaplens--text-document ()
  "Return this buffer's TextDocumentIdentifier."
  (list :uri heaplens--uri))

(defun heaplens--did-open ()
  "Open this buffer's document on its server."
  (setq heaplens--file (heaplens--file-key buffer-file-name)
        heaplens--uri (heaplens--path-to-uri heaplens--file)
        heaplens--version 0
        heaplens--changes nil)
  (jsonrpc-notify heaplens--connection :textDocument/didOpen
                  (list :textDocument
                        (list :uri heaplens--uri
                              :languageId (heaplens--language-id)
                              :version heaplens--version
                              :text (save-restriction
                                      (widen)
                                      (buffer-substring-no-properties
                                       (point-min) (point-max)))))))

(defun heaplens--before-change (beg end)
  "Remember where the change about to replace BEG..END lies."
  (when heaplens--uri
    (setq heaplens--before-change
          (list beg end (list :start (heaplens--lsp-position beg)
                              :end (heaplens--lsp-position end))))))

(defun heaplens--after-change (beg end old-length)
  "Record the change that put BEG..END where OLD-LENGTH characters were."
  (when heaplens--uri
    (let ((before heaplens--before-change))
      (setq heaplens--before-change nil)
      (cond
       ((eq heaplens--changes :full))
       ;; The change is not the one announced: send the whole text.
       ((not (and before (= (nth 0 before) beg)
                  (= (- (nth 1 before) (nth 0 before)) old-length)))
        (setq heaplens--changes :full))
       ((> (length heaplens--changes) 100)
        (setq heaplens--changes :full))
       (t
        (push (list :range (nth 2 before)
                    :text (buffer-substring-no-properties beg end))
              heaplens--changes))))
    (when (timerp heaplens--change-timer)
      (cancel-timer heaplens--change-timer))
    (setq heaplens--change-timer
          (run-with-timer heaplens-change-delay nil
                          #'heaplens--flush-buffer (current-buffer)))))

(defun heaplens--flush (&optional buffer)
  "Send BUFFER's (or this buffer's) pending changes to its server."
  (with-current-buffer (or buffer (current-buffer))
    (when (timerp heaplens--change-timer)
      (cancel-timer heaplens--change-timer)
      (setq heaplens--change-timer nil))
    (when (and heaplens--changes heaplens--uri
               (heaplens--live-p heaplens--connection))
      (let ((changes (if (eq heaplens--changes :full)
                         (vector (list :text (save-restriction
                                               (widen)
                                               (buffer-substring-no-properties
                                                (point-min) (point-max)))))
                       (vconcat (reverse heaplens--changes)))))
        (setq heaplens--changes nil)
        (cl-incf heaplens--version)
        (jsonrpc-notify heaplens--connection :textDocument/didChange
                        (list :textDocument
                              (list :uri heaplens--uri
                                    :version heaplens--version)
                              :contentChanges changes))))))

(defun heaplens--flush-buffer (buffer)
  "Send BUFFER's pending changes if it still lives (a timer's job)."
  (when (buffer-live-p buffer)
    (heaplens--flush buffer)))

(defun heaplens--flush-all (conn)
  "Send the pending changes of every buffer CONN serves."
  (dolist (buffer (heaplens--buffers conn))
    (heaplens--flush-buffer buffer)))

(defun heaplens--after-save ()
  "Tell the server the file now matches the buffer."
  (when (and heaplens--uri (heaplens--live-p heaplens--connection))
    (heaplens--flush)
    (jsonrpc-notify heaplens--connection :textDocument/didSave
                    (list :textDocument (heaplens--text-document)))
    (heaplens--schedule-refresh heaplens--connection)))

(defun heaplens--did-close ()
  "Close this buffer's document on its server."
  (when (and heaplens--uri (heaplens--live-p heaplens--connection))
    (jsonrpc-notify heaplens--connection :textDocument/didClose
                    (list :textDocument (heaplens--text-document))))
  (setq heaplens--uri nil))

;;;; Diagnostics (Flymake)

(defvar-local heaplens--flymake-report-fn nil
  "The function Flymake gave `heaplens-flymake' to report with.")

(defun heaplens--publish (conn params)
  "Keep the diagnostics PARAMS from CONN publishes; show them where open."
  (let* ((path (heaplens--uri-to-path (plist-get params :uri)))
         (key (and path (heaplens--file-key path))))
    (when key
      (puthash key (plist-get params :diagnostics) (heaplens--diagnostics conn))
      (dolist (buffer (heaplens--buffers conn))
        (when (and (buffer-live-p buffer)
                   (equal (buffer-local-value 'heaplens--file buffer) key))
          (with-current-buffer buffer
            (heaplens--report-diagnostics
             (heaplens--flymake-diagnostics
              (plist-get params :diagnostics)))))))))

(defun heaplens--flymake-diagnostics (diagnostics)
  "Return Flymake diagnostics for the LSP DIAGNOSTICS in this buffer."
  (let (result)
    (seq-doseq (d diagnostics)
      (let* ((range (plist-get d :range))
             (start (plist-get range :start))
             (end (plist-get range :end))
             (beg (heaplens--lsp-point start))
             (stop (if end (heaplens--lsp-point end) beg))
             (code (plist-get d :code)))
        ;; A whole-line range ends at the start of the next line.
        (when (and end (> (plist-get end :line) (plist-get start :line))
                   (eql (plist-get end :character) 0))
          (setq stop (save-excursion (goto-char beg) (line-end-position))))
        (when (<= stop beg)
          (let ((region (flymake-diag-region
                         (current-buffer) (1+ (plist-get start :line)))))
            (setq beg (car region) stop (cdr region))))
        (push (flymake-make-diagnostic
               (current-buffer) beg stop
               (pcase (plist-get d :severity)
                 (1 :error) (2 :warning) (_ :note))
               (concat (if code
                           (format "%s [%s]" (plist-get d :message) code)
                         (plist-get d :message))
                       (heaplens--flow-text (plist-get d :relatedInformation))))
              result)))
    (nreverse result)))

(defun heaplens--flow-text (related)
  "Return the first steps of RELATED (a relatedInformation vector) as text.
At most `heaplens-flymake-flow-steps' of them, each on a line of its own
as \"  MESSAGE (FILE:LINE)\", then how many more there are."
  (let* ((count (length related))
         (shown (min count (max 0 heaplens-flymake-flow-steps))))
    (concat
     (mapconcat
      (lambda (r)
        (let* ((location (plist-get r :location))
               (path (heaplens--uri-to-path (plist-get location :uri)))
               (start (plist-get (plist-get location :range) :start)))
          (format "\n  %s (%s:%d)" (plist-get r :message)
                  (if path (file-name-nondirectory path) "?")
                  (1+ (or (plist-get start :line) 0)))))
      (seq-take related shown) "")
     (if (> count shown)
         (format "\n  … %d more steps (M-x heaplens-describe-line)"
                 (- count shown))
       ""))))

(defun heaplens--report-diagnostics (diagnostics)
  "Hand DIAGNOSTICS to Flymake, replacing the ones reported before."
  (when heaplens--flymake-report-fn
    (save-restriction
      (widen)
      (funcall heaplens--flymake-report-fn diagnostics
               :region (cons (point-min) (point-max))
               :force t))))

;;;###autoload
(defun heaplens-flymake (report-fn &rest _args)
  "Flymake backend reporting heaplens's diagnostics with REPORT-FN.
The server pushes diagnostics when it has them (on open, on save,
when profiles change); this reports the latest ones."
  (setq heaplens--flymake-report-fn report-fn)
  (if (and heaplens-mode (heaplens--live-p heaplens--connection))
      (heaplens--report-diagnostics
       (heaplens--flymake-diagnostics
        (gethash heaplens--file (heaplens--diagnostics heaplens--connection))))
    (funcall report-fn nil)))

(defun heaplens--add-flymake-backend ()
  "Put `heaplens-flymake' among this buffer's Flymake backends."
  (unless (memq #'heaplens-flymake flymake-diagnostic-functions)
    (add-hook 'flymake-diagnostic-functions #'heaplens-flymake nil t)
    (when (bound-and-true-p flymake-mode)
      (flymake-start))))

(defun heaplens--after-eglot ()
  "Put heaplens's Flymake backend back after eglot replaced the list.
eglot sets `flymake-diagnostic-functions' to its own backend alone
when it starts managing a buffer."
  (when heaplens-mode
    (heaplens--add-flymake-backend)))

;;;; Line costs and lenses

(defun heaplens--delete-overlays (&optional kind)
  "Delete this buffer's heaplens overlays of KIND (cost, lens), or all."
  (save-restriction
    (widen)
    (dolist (ov (overlays-in (point-min) (point-max)))
      (when (and (overlay-get ov 'heaplens)
                 (or (null kind) (eq (overlay-get ov 'heaplens) kind)))
        (delete-overlay ov)))))

(defun heaplens--heat-face (percent negative)
  "Return the face of a cost of PERCENT of the total; NEGATIVE if it shrank."
  (cond (negative 'heaplens-heat-negative)
        ((< percent (nth 0 heaplens-heat-levels)) 'heaplens-heat-low)
        ((< percent (nth 1 heaplens-heat-levels)) 'heaplens-heat-medium)
        ((< percent (nth 2 heaplens-heat-levels)) 'heaplens-heat-high)
        (t 'heaplens-heat-hottest)))

(defun heaplens--percent (value total)
  "Return VALUE as a percentage of TOTAL (0 when TOTAL is 0)."
  (if (zerop total) 0.0 (/ (* 100.0 value) total)))

(defun heaplens--draw-costs (result)
  "Show each line's cost in RESULT, a heaplens/lineCosts answer."
  (heaplens--delete-overlays 'cost)
  (let ((total (or (plist-get result :total) 0)))
    (seq-doseq (l (plist-get result :lines))
      (let* ((flat (plist-get l :flat))
             (percent (abs (heaplens--percent flat total)))
             (bol (heaplens--line-point (plist-get l :line))))
        (when (and bol (/= flat 0) (>= percent heaplens-line-cost-min-percent))
          (save-excursion
            (goto-char bol)
            (let ((ov (make-overlay bol (line-end-position) nil nil t))
                  (text (concat heaplens-line-cost-prefix
                                (propertize (plist-get l :label) 'face
                                            (heaplens--heat-face
                                             percent (< flat 0))))))
              ;; Show the cursor before the cost, not after it.
              (put-text-property 0 1 'cursor t text)
              (overlay-put ov 'heaplens 'cost)
              (overlay-put ov 'heaplens-line (plist-get l :line))
              (overlay-put ov 'heaplens-cost l)
              (overlay-put ov 'after-string text))))))))

(defvar heaplens-lens-map
  (let ((map (make-sparse-keymap)))
    (define-key map [mouse-1] #'heaplens-lens-click)
    (define-key map [mouse-2] #'heaplens-lens-click)
    map)
  "Keymap of the lens text above functions.")

(defun heaplens-lens-click (event)
  "Run the command of the lens clicked in EVENT."
  (interactive "e")
  (let* ((posn (event-start event))
         (string (posn-string posn))
         (lens (and string (get-text-property (cdr string) 'heaplens-lens
                                              (car string)))))
    (with-current-buffer (window-buffer (posn-window posn))
      (heaplens--run-lens lens))))

(defun heaplens--run-lens (lens)
  "Run the command of LENS, a CodeLens."
  (let ((command (plist-get lens :command)))
    (when command
      (apply #'heaplens--execute (plist-get command :command)
             (append (plist-get command :arguments) nil)))))

(defun heaplens--draw-lenses (lenses)
  "Show LENSES, CodeLenses, above the lines they name."
  (heaplens--delete-overlays 'lens)
  (let ((by-line (make-hash-table)))
    (seq-doseq (lens lenses)
      (let ((line (plist-get (plist-get (plist-get lens :range) :start) :line)))
        (when (plist-get lens :command)
          (puthash line (append (gethash line by-line) (list lens)) by-line))))
    (maphash
     (lambda (line group)
       (let ((bol (heaplens--line-point line)))
         (when bol
           (save-excursion
             (goto-char bol)
             (let ((ov (make-overlay bol bol))
                   (indent (buffer-substring-no-properties
                            bol (progn (skip-chars-forward " \t") (point)))))
               (overlay-put ov 'heaplens 'lens)
               (overlay-put ov 'heaplens-line line)
               (overlay-put ov 'heaplens-lenses group)
               (overlay-put
                ov 'before-string
                (concat indent
                        (mapconcat
                         (lambda (lens)
                           (propertize
                            (plist-get (plist-get lens :command) :title)
                            'face 'heaplens-lens 'mouse-face 'highlight
                            'help-echo "mouse-1: show the next sample type"
                            'keymap heaplens-lens-map 'heaplens-lens lens))
                         group (propertize " | " 'face 'heaplens-lens))
                        "\n")))))))
     by-line)))

(defun heaplens--refresh-buffer (buffer)
  "Ask BUFFER's server for its line costs and lenses, and show them."
  (when (buffer-live-p buffer)
    (with-current-buffer buffer
      (let ((conn heaplens--connection)
            (params (list :textDocument (heaplens--text-document))))
        (when (and heaplens--uri (heaplens--live-p conn))
          (heaplens--flush)
          (if (not heaplens-show-line-costs)
              (heaplens--delete-overlays 'cost)
            (jsonrpc-async-request
             conn :heaplens/lineCosts params
             :success-fn (lambda (result)
                           (when (buffer-live-p buffer)
                             (with-current-buffer buffer
                               (heaplens--draw-costs result))))
             :error-fn #'ignore
             :timeout-fn #'ignore))
          (if (not heaplens-show-lenses)
              (heaplens--delete-overlays 'lens)
            (jsonrpc-async-request
             conn :textDocument/codeLens params
             :success-fn (lambda (result)
                           (when (buffer-live-p buffer)
                             (with-current-buffer buffer
                               (heaplens--draw-lenses result))))
             :error-fn #'ignore
             :timeout-fn #'ignore)))))))

(defun heaplens--schedule-refresh (conn)
  "Refresh CONN's buffers soon, once for any number of calls meanwhile."
  (unless (heaplens--refresh-timer conn)
    (setf (heaplens--refresh-timer conn)
          (run-with-timer
           0.05 nil
           (lambda ()
             (setf (heaplens--refresh-timer conn) nil)
             (when (heaplens--live-p conn)
               (mapc #'heaplens--refresh-buffer (heaplens--buffers conn))))))))

;;;; The minor mode

(defvar heaplens-command-map
  (let ((map (make-sparse-keymap)))
    (define-key map "d" #'heaplens-describe-line)
    (define-key map "f" #'heaplens-flame)
    (define-key map "s" #'heaplens-select-sample-index)
    (define-key map "l" #'heaplens-load-profile)
    (define-key map "b" #'heaplens-set-base)
    (define-key map "B" #'heaplens-clear-base)
    (define-key map "r" #'heaplens-refresh)
    (define-key map "i" #'heaplens-status)
    (define-key map "g" #'heaplens-gc-summary)
    (define-key map "G" #'heaplens-goroutines)
    map)
  "Keymap of heaplens commands, to bind to a prefix of your choice.")
(fset 'heaplens-command-map heaplens-command-map)

(defvar heaplens-mode-map (make-sparse-keymap)
  "Keymap of `heaplens-mode' (empty: bind `heaplens-command-map').")

(defun heaplens--lighter ()
  "Return the mode line text of `heaplens-mode'."
  (let ((conn heaplens--connection))
    (cond ((not (heaplens--live-p conn)) " heaplens:off")
          ((heaplens--progress conn)
           (format " heaplens:%s" (heaplens--progress conn)))
          ((heaplens--sample-index conn)
           (format " heaplens[%s]" (heaplens--sample-index conn)))
          (t " heaplens"))))

;;;###autoload
(define-minor-mode heaplens-mode
  "Show heaplens's memory evidence and leak findings in this Go buffer.
Starts or joins the heaplens server of the buffer's project (see
`heaplens-root-function') and keeps it told about the buffer.
Diagnostics go to Flymake (`heaplens-flymake'), line costs to the
ends of lines, each function's costs above it.

\\{heaplens-mode-map}"
  :lighter (:eval (heaplens--lighter))
  :keymap heaplens-mode-map
  (if heaplens-mode
      (condition-case err
          (heaplens--enable)
        (error
         (setq heaplens-mode nil)
         (heaplens--disable)
         (message "%s" (error-message-string err))))
    (heaplens--disable)))

(defun heaplens--enable ()
  "Set `heaplens-mode' up in this buffer."
  (unless buffer-file-name
    (user-error "heaplens-mode: this buffer visits no file"))
  (let ((conn (heaplens--ensure-connection)))
    (setq heaplens--connection conn)
    (cl-pushnew (current-buffer) (heaplens--buffers conn))
    (add-hook 'before-change-functions #'heaplens--before-change nil t)
    (add-hook 'after-change-functions #'heaplens--after-change nil t)
    (add-hook 'after-save-hook #'heaplens--after-save nil t)
    (add-hook 'kill-buffer-hook #'heaplens--disable nil t)
    (add-hook 'change-major-mode-hook #'heaplens--disable nil t)
    (add-hook 'eglot-managed-mode-hook #'heaplens--after-eglot)
    (heaplens--did-open)
    (when heaplens-use-flymake
      (unless (bound-and-true-p flymake-mode)
        (flymake-mode 1))
      (heaplens--add-flymake-backend))
    (heaplens--schedule-refresh conn)))

(defun heaplens--disable ()
  "Undo `heaplens--enable' in this buffer."
  (remove-hook 'before-change-functions #'heaplens--before-change t)
  (remove-hook 'after-change-functions #'heaplens--after-change t)
  (remove-hook 'after-save-hook #'heaplens--after-save t)
  (remove-hook 'kill-buffer-hook #'heaplens--disable t)
  (remove-hook 'change-major-mode-hook #'heaplens--disable t)
  (when (timerp heaplens--change-timer)
    (cancel-timer heaplens--change-timer)
    (setq heaplens--change-timer nil))
  (heaplens--did-close)
  (heaplens--delete-overlays)
  (heaplens--report-diagnostics nil)
  (remove-hook 'flymake-diagnostic-functions #'heaplens-flymake t)
  (setq heaplens--flymake-report-fn nil)
  (when heaplens--connection
    (setf (heaplens--buffers heaplens--connection)
          (delq (current-buffer) (heaplens--buffers heaplens--connection))))
  (setq heaplens--connection nil
        heaplens--changes nil)
  (when heaplens-mode
    (setq heaplens-mode nil)))

;;;; Hover

(defun heaplens--hover-text (contents)
  "Return the text of hover CONTENTS (MarkupContent, MarkedString or list)."
  (cond ((stringp contents) contents)
        ((vectorp contents)
         (mapconcat #'heaplens--hover-text contents "\n\n"))
        ((plist-get contents :value))
        (t "")))

(defun heaplens--visit-uri (uri line &optional other-window)
  "Show the file of URI at 1-based LINE; in another window if OTHER-WINDOW."
  (let* ((path (or (heaplens--uri-to-path uri)
                   (user-error "heaplens: %s is not a local file" uri)))
         (buffer (find-file-noselect path)))
    (if other-window
        (pop-to-buffer buffer '((display-buffer-reuse-window
                                 display-buffer-use-some-window
                                 display-buffer-pop-up-window)
                                (inhibit-same-window . t)))
      (pop-to-buffer-same-window buffer))
    (widen)
    (goto-char (point-min))
    (forward-line (1- line))
    (back-to-indentation)))

(defun heaplens--insert-markdown (text)
  "Insert the markdown TEXT readably: links become buttons, ** bold."
  (let ((start (point)))
    (insert text)
    (save-excursion
      (goto-char start)
      (while (re-search-forward "\\[\\([^]\n]+\\)\\](\\([^)\n]+\\))" nil t)
        (let* ((label (match-string 1))
               (target (match-string 2))
               (line (save-match-data
                       (and (string-match "#L\\([0-9]+\\)\\'" target)
                            (string-to-number (match-string 1 target)))))
               (uri (save-match-data
                      (replace-regexp-in-string "#L[0-9]+\\'" "" target))))
          (delete-region (match-beginning 0) (match-end 0))
          (insert-text-button label
                              'action (lambda (_button)
                                        (heaplens--visit-uri uri (or line 1) t))
                              'help-echo (format "Visit %s" label))))
      (goto-char start)
      (while (re-search-forward "\\*\\*\\([^*\n]+\\)\\*\\*" nil t)
        (replace-match (propertize (match-string 1) 'face 'bold) t t))
      (goto-char start)
      (while (re-search-forward "`\\([^`\n]+\\)`" nil t)
        (replace-match (propertize (match-string 1)
                                   'face 'font-lock-function-name-face)
                       t t)))))

;;;###autoload
(defun heaplens-describe-line (&optional pos)
  "Show what heaplens knows about the line at POS (default: point).
Every sample type's cost of the line, the costliest call paths into
it and the compiler's escape sites on it with their whole explanation,
each frame and step a button that visits its source line."
  (interactive)
  (unless (and heaplens-mode (heaplens--live-p heaplens--connection))
    (user-error "heaplens: turn on `heaplens-mode' first"))
  (heaplens--flush)
  (let* ((pos (or pos (point)))
         (line (line-number-at-pos pos t))
         (result (heaplens--request heaplens--connection :textDocument/hover
                                    (list :textDocument
                                          (heaplens--text-document)
                                          :position
                                          (heaplens--lsp-position pos)))))
    (if (null result)
        (message "heaplens: no profile charges line %d" line)
      (with-help-window "*heaplens line*"
        (with-current-buffer standard-output
          (heaplens--insert-markdown
           (heaplens--hover-text (plist-get result :contents))))))))

;;;; Commands

(defun heaplens--sample-types (conn)
  "Return the sample types of CONN's loaded profiles, and the active one."
  (let* ((status (heaplens--request conn :heaplens/status
                                    heaplens--empty-object))
         types)
    (seq-doseq (input (plist-get status :inputs))
      (when (equal (plist-get input :state) "loaded")
        (seq-doseq (type (plist-get input :sampleTypes))
          (cl-pushnew type types :test #'equal))))
    (cons (nreverse types) (plist-get status :sampleIndex))))

;;;###autoload
(defun heaplens-select-sample-index (name)
  "Show sample type NAME (alloc_space, inuse_space, cpu ...) everywhere.
Interactively, choose among the types of the loaded profiles."
  (interactive
   (let* ((types (heaplens--sample-types (heaplens--current-connection t))))
     (unless (car types)
       (user-error "heaplens: no profile is loaded (see M-x heaplens-status)"))
     (list (completing-read (format "Sample type (now %s): " (cdr types))
                            (car types) nil t))))
  (let ((result (heaplens--execute "heaplens.selectSampleIndex" name)))
    (message "heaplens: showing %s" (plist-get result :sampleIndex))
    result))

(defun heaplens--read-profile (prompt)
  "Read a profile file name with PROMPT, starting in the workspace root."
  (let ((conn (heaplens--current-connection t)))
    (expand-file-name
     (read-file-name prompt (heaplens--root conn) nil t))))

(defun heaplens--loaded-message (result verb)
  "Tell the user what RESULT of a load command says, with VERB."
  (let ((n 0))
    (seq-doseq (input (plist-get result :inputs))
      (when (equal (plist-get input :state) "loaded")
        (cl-incf n)))
    (message "heaplens: %s; %d loaded" verb n)
    result))

;;;###autoload
(defun heaplens-load-profile (file)
  "Load (or reload) the profile FILE, which must be inside the workspace."
  (interactive (list (heaplens--read-profile "Load profile: ")))
  (heaplens--loaded-message
   (heaplens--execute "heaplens.loadProfile" (expand-file-name file))
   (format "loaded %s" (file-name-nondirectory file))))

;;;###autoload
(defun heaplens-set-base (file)
  "Compare the newest profile of the same kind against FILE (growth)."
  (interactive (list (heaplens--read-profile "Base profile: ")))
  (heaplens--loaded-message
   (heaplens--execute "heaplens.setBase" (expand-file-name file))
   (format "comparing against %s" (file-name-nondirectory file))))

;;;###autoload
(defun heaplens-clear-base ()
  "Stop comparing against a base profile."
  (interactive)
  (heaplens--execute "heaplens.clearBase")
  (message "heaplens: no base profile"))

;;;###autoload
(defun heaplens-refresh ()
  "Re-read the settings files and look for profiles again."
  (interactive)
  (heaplens--execute "heaplens.refresh"))

(defun heaplens-send-settings ()
  "Send `heaplens-settings' of this buffer to its server."
  (interactive)
  (let ((conn (heaplens--current-connection)))
    (setf (heaplens--settings conn) heaplens-settings)
    (jsonrpc-notify conn :workspace/didChangeConfiguration
                    (list :settings
                          (list :heaplens (or heaplens-settings
                                              heaplens--empty-object))))))

(defun heaplens--insert-status (conn status)
  "Insert a readable summary of CONN's STATUS (a heaplens/status answer)."
  (let ((server (plist-get status :server)))
    (insert (propertize "heaplens " 'face 'bold)
            (format "%s, pid %s, for %s\n"
                    (plist-get server :version) (plist-get server :pid)
                    (abbreviate-file-name (heaplens--root conn)))
            (format "Showing: %s\n\n"
                    (or (plist-get status :sampleIndex) "nothing yet")))
    (insert (propertize "Inputs\n" 'face 'bold))
    (if (seq-empty-p (plist-get status :inputs))
        (insert "  none (see the `profiles' setting)\n")
      (seq-doseq (input (plist-get status :inputs))
        (insert (format "  %-7s %-6s %s%s\n"
                        (or (plist-get input :role) "")
                        (plist-get input :state)
                        (abbreviate-file-name (plist-get input :path))
                        (if (plist-get input :error)
                            (format ": %s" (plist-get input :error))
                          (format " (%s)"
                                  (mapconcat #'identity
                                             (plist-get input :sampleTypes)
                                             ", ")))))))
    (insert (propertize "\nOpen documents\n" 'face 'bold))
    (seq-doseq (doc (plist-get status :documents))
      (insert (format "  %s (version %s)\n"
                      (abbreviate-file-name
                       (or (heaplens--uri-to-path (plist-get doc :uri)) ""))
                      (plist-get doc :version))))
    (insert (propertize "\nEverything the server said\n" 'face 'bold))
    (insert (if (fboundp 'json-serialize)
                (with-temp-buffer
                  (insert (json-serialize status :null-object nil
                                          :false-object :json-false))
                  (json-pretty-print-buffer)
                  (buffer-string))
              ;; An Emacs built without libjansson.
              (pp-to-string status))
            "\n")))

;;;###autoload
(defun heaplens-status ()
  "Show what the server of this buffer's project has loaded and from where."
  (interactive)
  (let* ((conn (heaplens--current-connection t))
         (status (heaplens--request conn :heaplens/status
                                    heaplens--empty-object)))
    (with-help-window "*heaplens status*"
      (with-current-buffer standard-output
        (heaplens--insert-status conn status)))
    status))

(defun heaplens-shutdown (&optional conn)
  "Shut the server of this buffer's project (or CONN) down."
  (interactive)
  (let ((conn (or conn (heaplens--current-connection))))
    (setf (heaplens--shutting-down conn) t)
    (unwind-protect
        (ignore-errors
          (jsonrpc-request conn :shutdown heaplens--empty-object :timeout 5)
          (jsonrpc-notify conn :exit heaplens--empty-object)
          ;; Let it exit by itself before `jsonrpc-shutdown' kills it.
          (let ((process (jsonrpc--process conn))
                (deadline (+ (float-time) 5)))
            (while (and (process-live-p process) (< (float-time) deadline))
              (accept-process-output process 0.05))))
      (jsonrpc-shutdown conn))))

(defun heaplens-restart ()
  "Restart the server of this buffer's project; its buffers rejoin it.
When no server runs (it exited), restart the servers of every buffer
whose `heaplens-mode' lost its server."
  (interactive)
  (let* ((conn (ignore-errors (heaplens--current-connection)))
         (buffers (if conn
                      (heaplens--buffers conn)
                    (cl-remove-if-not
                     (lambda (buffer)
                       (with-current-buffer buffer
                         (and heaplens-mode
                              (not (heaplens--live-p heaplens--connection)))))
                     (buffer-list)))))
    (when conn
      (heaplens-shutdown conn))
    (dolist (buffer buffers)
      (when (buffer-live-p buffer)
        (with-current-buffer buffer
          (heaplens-mode 1))))))

(defun heaplens-events-buffer ()
  "Show the JSON-RPC events of this buffer's server.
Empty unless `heaplens-events-buffer-size' was set before it started."
  (interactive)
  (display-buffer (jsonrpc-events-buffer (heaplens--current-connection))))

;;;; The flame view

(defvar-local heaplens-flame--connection nil "The server the view asks.")
(defvar-local heaplens-flame--focus nil "The focus function name, or nil.")
(defvar-local heaplens-flame--sample-index nil "The sample type, or nil.")
(defvar-local heaplens-flame--result nil "The last heaplens/flameGraph answer.")
(defvar-local heaplens-flame--error nil
  "The last request's error as (CODE . MESSAGE), or nil.")
(defvar-local heaplens-flame--folded nil "Hash table of folded node paths.")
(defvar-local heaplens-flame--stale nil "Non-nil once the evidence changed.")

(defvar heaplens-flame-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "RET") #'heaplens-flame-visit)
    (define-key map (kbd "o") #'heaplens-flame-display)
    (define-key map (kbd "TAB") #'heaplens-flame-toggle)
    (define-key map (kbd "f") #'heaplens-flame-focus)
    (define-key map (kbd "s") #'heaplens-flame-select-sample-index)
    (define-key map (kbd "n") #'heaplens-flame-next)
    (define-key map (kbd "p") #'heaplens-flame-previous)
    (define-key map [mouse-2] #'heaplens-flame-mouse-visit)
    map)
  "Keymap of `heaplens-flame-mode'.")

(define-derived-mode heaplens-flame-mode special-mode "heaplens-flame"
  "The call tree of a profile, heaviest first, as pprof's flame graph.
Each row is a function in one call context: its share of the total,
its value, a bar, and where in it most of the value was spent.

\\{heaplens-flame-mode-map}"
  (setq truncate-lines t
        buffer-undo-list t
        heaplens-flame--folded (make-hash-table :test #'equal))
  (setq-local revert-buffer-function #'heaplens-flame--revert))

(defun heaplens-flame--format-value (value unit)
  "Format VALUE in UNIT the way heaplens does (44.0 MB, 480 ms, 320k)."
  (let* ((a (abs value))
         (scaled (lambda (v suffix space)
                   (format (if (or (>= (abs v) 100) (= v (ftruncate v)))
                               "%.0f%s%s" "%.1f%s%s")
                           v (if space " " "") suffix))))
    (cond
     ((equal unit "bytes")
      (let ((v (float value)) (i 0) (names ["B" "kB" "MB" "GB" "TB"]))
        (while (and (>= a 1024) (< i 4))
          (setq a (/ a 1024.0) v (/ v 1024.0) i (1+ i)))
        (funcall scaled v (aref names i) t)))
     ((equal unit "nanoseconds")
      (cond ((>= a 1e9) (funcall scaled (/ value 1e9) "s" t))
            ((>= a 1e6) (funcall scaled (/ value 1e6) "ms" t))
            ((>= a 1e3) (funcall scaled (/ value 1e3) "us" t))
            (t (funcall scaled (float value) "ns" t))))
     ((>= a 1e9) (funcall scaled (/ value 1e9) "G" nil))
     ((>= a 1e6) (funcall scaled (/ value 1e6) "M" nil))
     ((>= a 1e4) (funcall scaled (/ value 1e3) "k" nil))
     (t (format "%d" value)))))

(defun heaplens-flame--params ()
  "Return the parameters of this view's heaplens/flameGraph request."
  (let (params)
    (when heaplens-flame--focus
      (setq params (plist-put params :focus heaplens-flame--focus)))
    (when heaplens-flame--sample-index
      (setq params (plist-put params :sampleIndex heaplens-flame--sample-index)))
    (or params heaplens--empty-object)))

(defun heaplens-flame--fetch ()
  "Ask the server for the tree; keep the answer or the error."
  (let ((conn heaplens-flame--connection))
    (unless (heaplens--live-p conn)
      (user-error "heaplens: the server of this view is not running"))
    (heaplens--flush-all conn)
    (setq heaplens-flame--stale nil
          header-line-format nil)
    (condition-case err
        ;; The answer nests two levels per frame and stacks may be 256
        ;; frames deep: over 500 of the default 800 levels of Lisp depth,
        ;; which the JSON reader counts against.  Leave it room.
        (let ((max-lisp-eval-depth (max max-lisp-eval-depth 1600)))
          (setq heaplens-flame--result
                (jsonrpc-request conn :heaplens/flameGraph
                                 (heaplens-flame--params)
                                 :timeout heaplens-request-timeout)
                heaplens-flame--error nil))
      (jsonrpc-error
       (setq heaplens-flame--result nil
             heaplens-flame--error
             (cons (alist-get 'jsonrpc-error-code (cdr err))
                   (or (alist-get 'jsonrpc-error-message (cdr err))
                       (cadr err))))))))

(defun heaplens-flame--node-key (path)
  "Return the fold key of the node at PATH (a list of names, root first)."
  (mapconcat #'identity path "\0"))

(defun heaplens-flame--location-text (node)
  "Return NODE's file:line, or nil when it did not resolve."
  (let* ((location (plist-get node :location))
         (path (and location (heaplens--uri-to-path (plist-get location :uri)))))
    (when path
      (format "%s:%d" (file-name-nondirectory path)
              (1+ (plist-get (plist-get (plist-get location :range) :start)
                             :line))))))

(defun heaplens-flame--bar (value total)
  "Return the bar of VALUE of TOTAL, `heaplens-flame-bar-width' wide at most."
  (let* ((fraction (if (zerop total) 0 (min 1.0 (/ (abs value) (float (abs total))))))
         (n (round (* fraction heaplens-flame-bar-width))))
    (when (and (= n 0) (/= value 0))
      (setq n 1))
    (concat (make-string n ?█)
            (make-string (- heaplens-flame-bar-width n) ?\s))))

(defun heaplens-flame--insert-row (node path depth total unit folded)
  "Insert the row of NODE at PATH and DEPTH; FOLDED if its children hide.
TOTAL is the profile's total, UNIT the unit of values."
  (let* ((value (plist-get node :value))
         (self (plist-get node :self))
         (leaf (seq-empty-p (plist-get node :children)))
         (location (heaplens-flame--location-text node))
         (start (point)))
    (insert (format "%6.1f%% %10s " (heaplens--percent value total)
                    (heaplens-flame--format-value value unit))
            (propertize (heaplens-flame--bar value total)
                        'face (heaplens--heat-face
                               (abs (heaplens--percent value total))
                               (< value 0)))
            " "
            (make-string (* 2 depth) ?\s)
            (cond (leaf "  ") (folded "▸ ") (t "▾ "))
            (propertize (plist-get node :name) 'face 'heaplens-flame-name)
            (cond (location
                   (concat "  " (propertize location 'face
                                            'heaplens-flame-location)))
                  ((= depth 0) "")
                  (t (propertize "  (not in the workspace)"
                                 'face 'heaplens-flame-location)))
            (if (and self (/= self 0) (not leaf))
                (format "  self %s" (heaplens-flame--format-value self unit))
              "")
            "\n")
    (add-text-properties start (point)
                         (list 'heaplens-flame-node node
                               'heaplens-flame-path path
                               'mouse-face 'highlight
                               'help-echo "RET: visit, TAB: fold"))))

(defun heaplens-flame--insert-hidden (count value depth total unit)
  "Insert the row summing COUNT small nodes worth VALUE at DEPTH.
TOTAL is the profile's total, UNIT the unit of values."
  (insert (propertize
           (format "%6.1f%% %10s %s %s  … %d more under %s%%\n"
                   (heaplens--percent value total)
                   (heaplens-flame--format-value value unit)
                   (make-string heaplens-flame-bar-width ?\s)
                   (make-string (* 2 depth) ?\s)
                   count heaplens-flame-min-percent)
           'face 'shadow)))

(defun heaplens-flame--insert-tree (root total unit)
  "Insert the rows of the tree ROOT, depth first, heaviest child first.
Children of folded nodes are left out, and children under
`heaplens-flame-min-percent' of TOTAL are summed in one row.  A loop,
not recursion: trees are as deep as the profile's stacks.  UNIT is
the unit of values."
  ;; Each item is (node PATH DEPTH) or (hidden COUNT VALUE DEPTH); a
  ;; path is the list of names from the node up to the root.
  (let ((stack (list (list 'node root '("root") 0))))
    (while stack
      (let ((item (pop stack)))
        (if (eq (car item) 'hidden)
            (apply #'heaplens-flame--insert-hidden
                   (append (cdr item) (list total unit)))
          (pcase-let* ((`(,_ ,node ,path ,depth) item)
                       (folded (gethash (heaplens-flame--node-key path)
                                        heaplens-flame--folded))
                       (shown nil) (hidden 0) (hidden-value 0))
            (heaplens-flame--insert-row node path depth total unit folded)
            (unless folded
              (seq-doseq (child (plist-get node :children))
                (if (< (abs (heaplens--percent (plist-get child :value) total))
                       heaplens-flame-min-percent)
                    (setq hidden (1+ hidden)
                          hidden-value (+ hidden-value
                                          (plist-get child :value)))
                  (push child shown)))
              (when (> hidden 0)
                (push (list 'hidden hidden hidden-value (1+ depth)) stack))
              ;; SHOWN is reversed, so the heaviest child is pushed last.
              (dolist (child shown)
                (push (list 'node child
                            (cons (plist-get child :name) path)
                            (1+ depth))
                      stack)))))))))

(defun heaplens-flame--insert-header (result)
  "Insert the lines that say what RESULT, a flame tree, is of."
  (let* ((total (plist-get result :total))
         (unit (plist-get result :unit))
         (profile (heaplens--uri-to-path (plist-get result :profile)))
         (shown (plist-get (plist-get result :root) :value))
         (cut (plist-get result :cut)))
    (insert (propertize (format "%s of %s"
                                (or (plist-get result :sampleIndex)
                                    "nothing")
                                (if profile
                                    (file-name-nondirectory profile)
                                  "no profile"))
                        'face 'bold)
            (format ", total %s" (heaplens-flame--format-value total unit))
            (if heaplens-flame--focus
                (format "; through functions matching \"%s\": %s (%.1f%%)"
                        heaplens-flame--focus
                        (heaplens-flame--format-value shown unit)
                        (heaplens--percent shown total))
              "")
            (if (and cut (> cut 0))
                (format "; %d stacks cut at their deepest frames" cut)
              "")
            "\n"
            (propertize "RET visit  o show  TAB fold  f focus  s sample type  \
g refresh\n\n" 'face 'shadow))))

(defun heaplens-flame--render ()
  "Draw the tree of `heaplens-flame--result', keeping point on its node."
  (let ((inhibit-read-only t)
        (path (get-text-property (point) 'heaplens-flame-path))
        (line (line-number-at-pos))
        (result heaplens-flame--result))
    (erase-buffer)
    (cond
     (heaplens-flame--error
      (insert (propertize "heaplens flame graph\n\n" 'face 'bold)
              (if (eql (car heaplens-flame--error) -32601)
                  "This heaplens server has no flame graph \
(heaplens/flameGraph: method not found); it is older than heaplens.el.\n"
                (format "The server answered: %s\n"
                        (cdr heaplens-flame--error)))))
     (result
      (heaplens-flame--insert-header result)
      (if (seq-empty-p (plist-get (plist-get result :root) :children))
          (insert (cond ((null (plist-get result :profile))
                         "No profile with this sample type is loaded \
(see M-x heaplens-status).\n")
                        (heaplens-flame--focus
                         "No stack passes through a function matching the \
focus (f with an empty string shows all).\n")
                        (t "The profile has no samples.\n")))
        (heaplens-flame--insert-tree (plist-get result :root)
                                     (plist-get result :total)
                                     (plist-get result :unit)))))
    (goto-char (point-min))
    (if-let ((pos (and path (heaplens-flame--find-path path))))
        (goto-char pos)
      (forward-line (1- line)))))

(defun heaplens-flame--find-path (path)
  "Return the start of the row of the node at PATH, or nil."
  (let ((pos (point-min)) found)
    (while (and pos (not found))
      (if (equal (get-text-property pos 'heaplens-flame-path) path)
          (setq found pos)
        (setq pos (next-single-property-change pos 'heaplens-flame-path))))
    found))

(defun heaplens-flame--revert (&rest _)
  "Fetch the tree again and redraw it (the view's `revert-buffer')."
  (heaplens-flame--fetch)
  (heaplens-flame--render))

(defun heaplens--flame-mark-stale (conn)
  "Note in CONN's flame views that the evidence changed."
  (dolist (buffer (buffer-list))
    (with-current-buffer buffer
      (when (and (derived-mode-p 'heaplens-flame-mode)
                 (eq heaplens-flame--connection conn))
        (setq heaplens-flame--stale t)
        (setq header-line-format
              "The evidence changed: g shows the new tree")))))

;;;###autoload
(defun heaplens-flame (&optional focus)
  "Show the flame tree of the newest profile of the active sample type.
With a prefix argument, ask for FOCUS: only stacks through a function
whose name contains it.  In the view, RET visits a node's hottest
line in the other window, TAB folds, f focuses, g refreshes."
  (interactive
   (list (and current-prefix-arg (read-string "Focus on functions matching: "))))
  (let* ((conn (heaplens--current-connection t))
         (buffer (get-buffer-create
                  (format "*heaplens flame: %s*"
                          (file-name-nondirectory
                           (directory-file-name (heaplens--root conn)))))))
    (with-current-buffer buffer
      (unless (derived-mode-p 'heaplens-flame-mode)
        (heaplens-flame-mode))
      (setq heaplens-flame--connection conn
            heaplens-flame--focus (and focus (not (string-empty-p focus)) focus)
            header-line-format nil)
      (setq default-directory (heaplens--root conn))
      (heaplens-flame--revert))
    (pop-to-buffer buffer)
    buffer))

(defun heaplens-flame--node-at-point ()
  "Return the node of the row at point, or signal a `user-error'."
  (or (get-text-property (line-beginning-position) 'heaplens-flame-node)
      (user-error "heaplens: no node on this line")))

(defun heaplens-flame-visit (&optional display-only)
  "Visit the hottest line of the node at point in the other window.
With DISPLAY-ONLY, show it but stay in the flame view."
  (interactive)
  (let* ((node (heaplens-flame--node-at-point))
         (location (plist-get node :location))
         (window (selected-window)))
    (unless location
      (user-error "heaplens: %s has no source location in the workspace"
                  (plist-get node :name)))
    (heaplens--visit-uri (plist-get location :uri)
                         (1+ (plist-get (plist-get (plist-get location :range)
                                                   :start)
                                        :line))
                         t)
    (when display-only
      (select-window window))))

(defun heaplens-flame-display ()
  "Show the hottest line of the node at point; stay in the view."
  (interactive)
  (heaplens-flame-visit t))

(defun heaplens-flame-mouse-visit (event)
  "Visit the node clicked in EVENT."
  (interactive "e")
  (mouse-set-point event)
  (heaplens-flame-visit))

(defun heaplens-flame-toggle ()
  "Fold or unfold the children of the node at point."
  (interactive)
  (heaplens-flame--node-at-point)
  (let ((key (heaplens-flame--node-key
              (get-text-property (line-beginning-position)
                                 'heaplens-flame-path))))
    (if (gethash key heaplens-flame--folded)
        (remhash key heaplens-flame--folded)
      (puthash key t heaplens-flame--folded))
    (heaplens-flame--render)))

(defun heaplens-flame-focus (name)
  "Show only the stacks through functions whose name contains NAME.
An empty NAME shows everything again."
  (interactive
   (let ((node (get-text-property (line-beginning-position)
                                  'heaplens-flame-node)))
     (list (read-string (if heaplens-flame--focus
                            (format "Focus (now %s; empty for none): "
                                    heaplens-flame--focus)
                          "Focus on functions matching: ")
                        (and node (not (equal (plist-get node :name) "root"))
                             (plist-get node :name))))))
  (setq heaplens-flame--focus (and name (not (string-empty-p name)) name))
  (heaplens-flame--revert))

(defun heaplens-flame-select-sample-index (name)
  "Show the tree of sample type NAME in this view."
  (interactive
   (let ((types (heaplens--sample-types heaplens-flame--connection)))
     (list (completing-read "Sample type: " (car types) nil t))))
  (setq heaplens-flame--sample-index name)
  (heaplens-flame--revert))

(defun heaplens-flame-next (n)
  "Move to the Nth next node."
  (interactive "p")
  (forward-line n))

(defun heaplens-flame-previous (n)
  "Move to the Nth previous node."
  (interactive "p")
  (forward-line (- n)))

;;;; What the program said while it ran: GC traces and goroutine dumps

(defvar-local heaplens-runtime--connection nil
  "The server a GC summary or goroutine list asks.")
(defvar-local heaplens-runtime--draw nil
  "The function that asks the server again and redraws this view.")

(defun heaplens-runtime--revert (&rest _)
  "Ask the server again and redraw this view (its `revert-buffer')."
  (unless (heaplens--live-p heaplens-runtime--connection)
    (user-error "heaplens: the server of this view is not running"))
  (let ((inhibit-read-only t)
        (line (line-number-at-pos)))
    (erase-buffer)
    (funcall heaplens-runtime--draw heaplens-runtime--connection)
    (goto-char (point-min))
    (forward-line (1- line))))

(defun heaplens-runtime--show (mode name draw)
  "Show the view NAME in MODE drawn by DRAW from this buffer's server.
DRAW is called with the connection, in the view, to insert its text."
  (let* ((conn (heaplens--current-connection t))
         (buffer (get-buffer-create
                  (format "*heaplens %s: %s*" name
                          (file-name-nondirectory
                           (directory-file-name (heaplens--root conn)))))))
    (heaplens--flush-all conn)
    (with-current-buffer buffer
      (unless (eq major-mode mode)
        (funcall mode))
      (setq heaplens-runtime--connection conn
            heaplens-runtime--draw draw
            default-directory (heaplens--root conn))
      (setq-local revert-buffer-function #'heaplens-runtime--revert)
      (heaplens-runtime--revert)
      (goto-char (point-min)))
    (pop-to-buffer buffer)
    buffer))

(defun heaplens-runtime--short (path)
  "Return PATH relative to the view's root when it lies under it."
  (if (and path (file-in-directory-p path default-directory))
      (file-relative-name path default-directory)
    (or path "?")))

(defun heaplens-runtime--number (value &optional digits)
  "Return VALUE with at most DIGITS decimals (2), trailing zeros cut."
  (if (numberp value)
      (let ((s (format (format "%%.%df" (or digits 2)) value)))
        (replace-regexp-in-string "\\.?0+\\'" "" s))
    "?"))

(define-derived-mode heaplens-gc-mode special-mode "heaplens-gc"
  "The GC traces the server loaded, newest first: cycles, pauses, GC
CPU, the live heap and the verdict on its trend.  g asks again."
  (setq truncate-lines t))

(defun heaplens-gc--insert (conn)
  "Insert the answer of CONN's server to heaplens/gcSummary."
  (let ((traces (plist-get (heaplens--request conn :heaplens/gcSummary
                                              heaplens--empty-object)
                           :traces)))
    (insert (propertize "GC traces" 'face 'bold)
            (format " of %s\n" (abbreviate-file-name default-directory)))
    (when (seq-empty-p traces)
      (insert "\nNo GC trace is loaded (the gcTraces setting: \
GODEBUG=gctrace=1 output, **/gctrace*.log by default).\n"))
    (seq-doseq (trace traces)
      (let ((pause (plist-get trace :pause_ms))
            (live (plist-get trace :live_mb))
            (trend (plist-get trace :trend))
            (start (point)))
        (insert "\n" (propertize (heaplens-runtime--short
                                  (plist-get trace :path))
                                 'face 'heaplens-flame-location)
                "\n"
                (format "  %s cycles over %s s, GC CPU %s%%\n"
                        (plist-get trace :cycles)
                        (heaplens-runtime--number (plist-get trace :span_s))
                        (heaplens-runtime--number
                         (plist-get trace :gc_cpu_percent) 1))
                (format "  pauses %s ms in all: p50 %s, p95 %s, p99 %s, \
max %s ms\n"
                        (heaplens-runtime--number (plist-get pause :total) 3)
                        (heaplens-runtime--number (plist-get pause :p50) 3)
                        (heaplens-runtime--number (plist-get pause :p95) 3)
                        (heaplens-runtime--number (plist-get pause :p99) 3)
                        (heaplens-runtime--number (plist-get pause :max) 3)))
        (unless (seq-empty-p live)
          (insert (format "  live heap %s -> %s MB\n"
                          (heaplens-runtime--number (elt live 0) 1)
                          (heaplens-runtime--number
                           (elt live (1- (length live))) 1))))
        (insert "  " (propertize (or (plist-get trend :verdict)
                                     "no verdict")
                                 'face (if (equal (plist-get trend :verdict)
                                                  "growing")
                                           'warning 'success))
                (if (plist-get trend :reason)
                    (concat ": " (plist-get trend :reason))
                  "")
                "\n")
        (put-text-property start (point) 'heaplens-trace trace)))))

;;;###autoload
(defun heaplens-gc-summary ()
  "Show the GC traces of this buffer's project: pauses, live heap, trend.
The server finds them with its gcTraces globs (GODEBUG=gctrace=1
output, **/gctrace*.log by default) and warns when a live heap grows."
  (interactive)
  (heaplens-runtime--show 'heaplens-gc-mode "gc" #'heaplens-gc--insert))

(defvar heaplens-goroutines-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "RET") #'heaplens-goroutines-visit)
    (define-key map (kbd "o") #'heaplens-goroutines-display)
    (define-key map (kbd "c") #'heaplens-goroutines-visit-creator)
    (define-key map (kbd "n") #'next-line)
    (define-key map (kbd "p") #'previous-line)
    (define-key map [mouse-2] #'heaplens-goroutines-mouse-visit)
    map)
  "Keymap of `heaplens-goroutines-mode'.")

(define-derived-mode heaplens-goroutines-mode special-mode "heaplens-goroutines"
  "The goroutine groups of the dumps the server shows, suspects first
\(marked !): count, wait state, function, where they block, growth
since the base dump, minutes waited and where they were started.

\\{heaplens-goroutines-mode-map}"
  (setq truncate-lines t))

(defun heaplens-goroutines--where (location)
  "Return \"main.go:45\" for LOCATION, or nil."
  (when-let ((file (plist-get location :file)))
    (format "%s:%s" (file-name-nondirectory file) (plist-get location :line))))

(defun heaplens-goroutines--insert (conn)
  "Insert the answer of CONN's server to heaplens/goroutineGroups."
  (let* ((result (heaplens--request conn :heaplens/goroutineGroups
                                    heaplens--empty-object))
         (dumps (plist-get result :dumps))
         (groups (plist-get result :groups)))
    (insert (propertize "Goroutine groups" 'face 'bold)
            (format " of %s\n" (abbreviate-file-name default-directory)))
    (seq-doseq (dump dumps)
      (insert (format "  %s (%s goroutines, %s)%s\n"
                      (heaplens-runtime--short (plist-get dump :path))
                      (plist-get dump :total) (plist-get dump :format)
                      (if (plist-get dump :base)
                          (format " against %s" (file-name-nondirectory
                                                 (plist-get dump :base)))
                        ""))))
    (insert (propertize "RET visit where they block  o show  c visit where \
they start  g refresh\n\n" 'face 'shadow))
    (cond ((seq-empty-p dumps)
           (insert "No goroutine dump is loaded (the goroutineDumps \
setting: **/goroutine*.txt by default).\n"))
          ((seq-empty-p groups)
           (insert "No goroutine groups.\n")))
    (seq-doseq (group groups)
      (let ((suspect (eq (plist-get group :suspect) t))
            (growth (plist-get group :growth))
            (wait (plist-get group :maxWaitMinutes))
            (created (heaplens-goroutines--where (plist-get group :createdAt)))
            (start (point)))
        (insert (if suspect (propertize "!" 'face 'warning) " ")
                (format " %6d  %-12s " (plist-get group :count)
                        (or (plist-get group :state) "-"))
                (propertize (or (plist-get group :function) "?")
                            'face 'heaplens-flame-name)
                "  "
                (propertize (or (heaplens-goroutines--where
                                 (plist-get group :blockedAt))
                                "(no source line)")
                            'face 'heaplens-flame-location)
                (if (and growth (/= growth 0)) (format "  %+d" growth) "")
                (if (and wait (> wait 0)) (format "  %d min" wait) "")
                (if created (format "  created at %s" created) "")
                "\n")
        (add-text-properties start (point)
                             (list 'heaplens-group group
                                   'mouse-face 'highlight
                                   'help-echo "RET: visit where they block"))))))

;;;###autoload
(defun heaplens-goroutines ()
  "List the goroutine groups of this buffer's project, suspects first.
The server finds the dumps with its goroutineDumps globs
\(**/goroutine*.txt by default) and compares the newest of each
directory with the one before it.  RET visits the line a group
blocks on, c the line that starts it."
  (interactive)
  (let ((buffer (heaplens-runtime--show 'heaplens-goroutines-mode
                                        "goroutines"
                                        #'heaplens-goroutines--insert)))
    (with-current-buffer buffer
      (when-let ((pos (text-property-not-all (point-min) (point-max)
                                             'heaplens-group nil)))
        (goto-char pos)
        (set-window-point (get-buffer-window buffer) pos)))
    buffer))

(defun heaplens-goroutines--visit (key &optional display-only)
  "Visit location KEY (:blockedAt, :createdAt) of the group at point.
In the other window; with DISPLAY-ONLY, stay in the list."
  (let* ((group (or (get-text-property (line-beginning-position)
                                       'heaplens-group)
                    (user-error "heaplens: no goroutine group on this line")))
         (location (plist-get group key))
         (window (selected-window)))
    (unless (plist-get location :uri)
      (user-error "heaplens: %s is not in a file of the workspace"
                  (or (heaplens-goroutines--where location)
                      (plist-get group :function))))
    (heaplens--visit-uri (plist-get location :uri) (plist-get location :line)
                         t)
    (when display-only
      (select-window window))))

(defun heaplens-goroutines-visit ()
  "Visit the line the group at point blocks on, in the other window."
  (interactive)
  (heaplens-goroutines--visit :blockedAt))

(defun heaplens-goroutines-display ()
  "Show the line the group at point blocks on; stay in the list."
  (interactive)
  (heaplens-goroutines--visit :blockedAt t))

(defun heaplens-goroutines-visit-creator ()
  "Visit the line that starts the goroutines of the group at point."
  (interactive)
  (heaplens-goroutines--visit :createdAt))

(defun heaplens-goroutines-mouse-visit (event)
  "Visit where the group clicked in EVENT blocks."
  (interactive "e")
  (mouse-set-point event)
  (heaplens-goroutines-visit))

;;;; lsp-mode, optionally

(declare-function lsp-register-client "ext:lsp-mode" (client))
(declare-function make-lsp-client "ext:lsp-mode" (&rest args))
(declare-function lsp-stdio-connection "ext:lsp-mode" (command &optional test-command))
(declare-function lsp-activate-on "ext:lsp-mode" (&rest languages))

;;;###autoload
(defun heaplens-lsp-mode-register ()
  "Register heaplens with lsp-mode as an add-on client beside gopls.
lsp-mode then starts heaplens in Go buffers by itself and shows its
diagnostics, lenses and hovers; `heaplens-mode' is not needed for
those (and should not run in the same buffers)."
  (interactive)
  (require 'lsp-mode)
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection #'heaplens--command-list)
    :activation-fn (lsp-activate-on "go")
    :add-on? t
    :priority -2
    :server-id 'heaplens
    :initialization-options
    (lambda () (list :heaplens (or heaplens-settings heaplens--empty-object))))))

(with-eval-after-load 'lsp-mode
  (when heaplens-lsp-mode-add-on
    (heaplens-lsp-mode-register)))

(provide 'heaplens)
;;; heaplens.el ends here
