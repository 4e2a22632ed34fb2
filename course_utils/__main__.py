"""``python -m course_utils``: the ``course`` command (:mod:`course_utils.grading.cli`)."""

from course_utils.grading.cli import main

if __name__ == "__main__":
    main()
