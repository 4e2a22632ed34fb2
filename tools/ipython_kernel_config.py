# Every IPython kernel of the course's environment reads this file when it starts: `make` copies it
# into .venv/etc/ipython/ (IPython's configuration folder for an environment). It loads
# course_utils/feedback.py, so that even a freshly restarted kernel shows an unanswered exercise, a
# name that a cell above defines and an interrupt in one line, before any cell has run.
c = get_config()  # noqa: F821 (defined by IPython when it reads the file)
c.InteractiveShellApp.extensions = ["course_utils.feedback"]
