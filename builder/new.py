"""`builder new`: a new course folder that builds at once, for a trainer to start from.

It holds course.yml, two example lessons (one with a ```quiz and a ```gift block, one with a picture and a
note box), the picture in lessons/images/ and a README pointing at docs/authoring.md. Everything is
written into a temporary folder beside the target and renamed into place, so a failure leaves nothing
half-made; a folder that already holds anything is refused.
"""

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from builder.i18n import _
from builder.sources import normalise
from courses.model import LANGUAGE_PATTERN, is_valid_id

VERSION = "0.1.0"


class NewCourseError(ValueError):
    """The course cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class NewCourse:
    """What a trainer chose for a new course."""

    title: str
    language: str = "vi"
    author: str = ""


def check_target(folder: Path) -> str:
    """The course id (the folder's name) when a course may be made there; raises NewCourseError."""
    course_id = folder.name
    if not is_valid_id(course_id):
        raise NewCourseError(_("%(folder)s: the folder name is the course id, so it must be lowercase letters "
                               "a-z, digits and hyphens (at most 64), e.g. content/ky-nang-so") % {"folder": folder})
    if folder.exists() and not folder.is_dir():
        raise NewCourseError(_("%(folder)s: a file of that name exists; choose another folder") % {"folder": folder})
    if folder.is_dir() and any(folder.iterdir()):
        raise NewCourseError(_("%(folder)s: the folder is not empty; a new course is only written into a new or empty "
                               "folder (nothing was changed)") % {"folder": folder})
    return course_id


def check_choices(choices: NewCourse) -> NewCourse:
    """The choices cleaned (NFC, one line each); raises NewCourseError for a bad title or language."""
    title, author = (" ".join(normalise(text).split()) for text in (choices.title, choices.author))
    if not title:
        raise NewCourseError(_("the course needs a title"))
    if not LANGUAGE_PATTERN.match(choices.language):
        raise NewCourseError(_("language %(value)r is not a BCP 47 code such as vi or en")
                             % {"value": choices.language})
    return NewCourse(title, choices.language, author)


def new_course(folder: Path, choices: NewCourse) -> list[Path]:
    """Write a new course into `folder` (new or empty); returns the files written, relative to it."""
    folder = Path(folder)
    course_id = check_target(folder)
    choices = check_choices(choices)
    files = course_files(course_id, choices)
    folder.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{course_id}.new-", dir=folder.parent))
    try:
        for relative, text in files.items():
            target = temp / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        if folder.is_dir():
            folder.rmdir()  # empty, checked above; fails (and nothing is lost) if something appeared since
        os.replace(temp, folder)
        os.chmod(folder, 0o777 & ~_umask())
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return [Path(relative) for relative in files]


def course_files(course_id: str, choices: NewCourse) -> dict[str, str]:
    """Relative path -> text of every file of the new course."""
    words = VIETNAMESE if choices.language.split("-")[0].lower() == "vi" else ENGLISH
    authors = f"authors:\n  - {_quoted(choices.author)}\n" if choices.author else ""
    course_yml = (f"id: {course_id}\ntitle: {_quoted(choices.title)}\nlanguage: {choices.language}\n"
                  f'version: "{VERSION}"\n{authors}description: {_quoted(words["description"])}\n'
                  f"sections:\n  - title: {_quoted(words['section'])}\n    lessons:\n"
                  f"      - lessons/{words['files'][0]}\n      - lessons/{words['files'][1]}\n")
    return {
        "course.yml": course_yml,
        f"lessons/{words['files'][0]}": words["questions"],
        f"lessons/{words['files'][1]}": words["picture"].replace("LESSON_ONE", words["files"][0]),
        "lessons/images/vi-du.svg": PICTURE.replace("CAPTION", words["caption"]),
        "README.md": README.replace("COURSE", course_id),
    }


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


PICTURE = """<svg xmlns="http://www.w3.org/2000/svg" width="640" height="240" viewBox="0 0 640 240">
  <rect x="8" y="8" width="624" height="224" rx="16" fill="#e8f1fb" stroke="#1f5fa8" stroke-width="4"/>
  <circle cx="120" cy="120" r="60" fill="#1f5fa8"/>
  <text x="220" y="132" font-family="sans-serif" font-size="32" fill="#12365f">CAPTION</text>
</svg>
"""

VIETNAMESE = {
    "files": ("01-cau-hoi.md", "02-hinh-va-ghi-chu.md"),
    "description": "Mô tả khoá học trong một hai câu.",
    "section": "Phần 1: Làm quen",
    "caption": "Hình ví dụ",
    "questions": """---
id: cau-hoi
title: "Bài 1: Câu hỏi tự kiểm tra"
minutes: 5
---
Viết bài học bằng Markdown. Câu hỏi đặt ngay trong bài, mỗi câu một khối `quiz`
(xem docs/authoring.md, mục 9).

```quiz
id: vi-du-mot-lua-chon
Mã OTP nên được đọc cho ai?
+ Không cho ai cả
  > Đúng. Mã OTP chỉ dùng cho chính bạn.
- Cán bộ gọi điện cho bạn
  > Chưa đúng. Cán bộ không bao giờ hỏi mã OTP.
Giải thích: Ai có mã OTP là vào được tài khoản của bạn.
```

Câu hỏi viết theo kiểu GIFT của Moodle cũng dùng được, trong một khối `gift`:

```gift
// [id:vi-du-dung-sai]
Nên cho người thân biết mật khẩu VNeID của mình.{FALSE}
```

Đọc xong, bấm **Xong** để sang bài tiếp.
""",
    "picture": """---
id: hinh-va-ghi-chu
title: "Bài 2: Hình và hộp ghi chú"
minutes: 3
---
Hình đặt trong thư mục `images/` cạnh bài học. Luôn viết mô tả hình trong dấu ngoặc vuông.

![Hình ví dụ: một hình tròn xanh](images/vi-du.svg)

!!! tip "Mẹo"
    Chạy `python -m builder preview` để xem bài ngay khi bạn lưu tệp.

Xem [bài 1](LESSON_ONE) để ôn lại câu hỏi.
""",
}

ENGLISH = {
    "files": ("01-questions.md", "02-picture-and-note.md"),
    "description": "Describe the course in a sentence or two.",
    "section": "Part 1: Getting started",
    "caption": "An example picture",
    "questions": """---
id: questions
title: "Lesson 1: Self-check questions"
minutes: 5
---
Write lessons in Markdown. Questions stand in the lesson, one `quiz` block each
(see docs/authoring.md, section 9).

```quiz
id: example-single-choice
Who may you read your OTP code to?
+ Nobody
  > Right. An OTP code is for you alone.
- An official who phones you
  > Not right. Officials never ask for OTP codes.
Explanation: Whoever has the OTP code can get into your account.
```

Questions written in Moodle's GIFT format work too, in a `gift` block:

```gift
// [id:example-true-false]
You should tell your relatives your VNeID password.{FALSE}
```

When you have read this, press **Done** to go on.
""",
    "picture": """---
id: picture-and-note
title: "Lesson 2: A picture and a note box"
minutes: 3
---
Pictures go in the `images/` folder beside the lesson. Always describe the picture in the brackets.

![An example picture: a blue circle](images/vi-du.svg)

!!! tip "Tip"
    Run `python -m builder preview` to see the lesson as soon as you save it.

See [lesson 1](LESSON_ONE) to go over the questions again.
""",
}

README = """# COURSE

Tiếng Việt: đây là thư mục một khoá học Trạm Học. Sửa `course.yml` (tên, tác giả, thứ tự bài) và các bài
trong `lessons/`, rồi xem ngay trong trình duyệt:

    python -m builder preview content/COURSE

Kiểm tra và đóng gói: `python -m builder check content/COURSE`, `python -m builder build content/COURSE -o dist`.
Hướng dẫn đầy đủ: docs/authoring.md trong dự án Trạm Học.

English: this is the folder of one Trạm Học course. Edit `course.yml` (title, authors, lesson order) and the
lessons in `lessons/`, then see them in the browser with `python -m builder preview content/COURSE`.
Check and build with `python -m builder check` / `build`. The full guide is docs/authoring.md.
"""
