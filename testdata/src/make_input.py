#!/usr/bin/env python3
"""Writes the small edge-case files in testdata/input/ (see testdata/README.md).

Deterministic: running it again gives byte-identical files. Run from the repository root:
    python3 testdata/src/make_input.py
"""
import os
import random

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "input")

# The canonical table: most encoding/delimiter variants below hold exactly this, so a test can
# assert that every variant parses to the same cells.
HEADER = ["id", "ФИО", "Телефон", "E-mail"]
ROWS = [
    ["1", "Соколова Анна Сергеевна", "+7 916 234-56-78", "anna.sokolova@mail.ru"],
    ["2", "Королёв Дмитрий Павлович", "8 (812) 315-27-44", "d.korolev@yandex.ru"],
    ["3", "John Miller", "+44 20 7946 0321", "john.miller@outlook.com"],
]


def table(sep, eol):
    return "".join(sep.join(r) + eol for r in [HEADER] + ROWS)


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)

    # Encodings of the canonical table.
    write("utf16le_bom.csv", b"\xff\xfe" + table(";", "\r\n").encode("utf-16-le"))
    write("utf16be_bom.csv", b"\xfe\xff" + table(";", "\r\n").encode("utf-16-be"))
    write("koi8r.csv", table(";", "\r\n").encode("koi8-r"))
    write("excel_semicolon_bom.csv", b"\xef\xbb\xbf" + table(";", "\r\n").encode("utf-8"))
    write("excel_sep_line.csv", ("sep=;\r\n" + table(";", "\r\n")).encode("utf-8"))

    # Delimiters and line endings of the canonical table.
    write("tab.tsv", table("\t", "\n").encode("utf-8"))
    write("pipe.csv", table("|", "\n").encode("utf-8"))
    write("crlf.csv", table(",", "\r\n").encode("utf-8"))

    # Structure problems.
    write(
        "ragged.csv",
        (
            "id;ФИО;Телефон;E-mail\n"
            "1;Соколова Анна Сергеевна;+7 916 234-56-78;anna.sokolova@mail.ru\n"
            "2;Королёв Дмитрий Павлович;8 (812) 315-27-44\n"
            "3;John Miller;+44 20 7946 0321;john.miller@outlook.com;лишнее поле\n"
            "4;Морозова Елена Викторовна;+7 (843) 234-12-34;elena.morozova72@mail.ru\n"
        ).encode("utf-8"),
    )
    write("header_only.csv", "id;ФИО;Телефон;E-mail\r\n".encode("utf-8"))
    write("empty.csv", b"")
    write(
        "quoted_newlines.csv",
        (
            "id,name,address,comment\r\n"
            '1,Соколова Анна Сергеевна,"ул. Профсоюзная, д. 43\nкв. 118","звонить после 18:00"\r\n'
            '2,"Королёв, Дмитрий","Невский пр-т, д. 112\r\nкв. 7","сказал: ""перезвоните"""\r\n'
            '3,John Miller,"Flat 4\n21 King Street\nLondon SE1 7XY",""\r\n'
            "4,Морозова Елена Викторовна,ул. Лесная 5-12,\r\n"
        ).encode("utf-8"),
    )

    # Byte-level damage.
    write(
        "nul_bytes.csv",
        (
            "id;ФИО;Телефон;E-mail\n"
            "1;Соколова Анна Сергеевна;+7 916 234-56-78;anna.sokolova@mail.ru\n"
            "2;Королёв Дмитрий\x00Павлович;8 (812) 315-27-44;d.korolev@yandex.ru\n"
            "3;John Miller;+44 20 7946 0321;john.miller@outlook.com\n"
        ).encode("utf-8"),
    )
    whole = table(";", "\n").encode("utf-8")
    # The file stops inside row 2, between the two bytes of the "о" in "Королёв".
    cut_at = whole.index("Королёв".encode("utf-8")) + 3  # "К" (2 bytes) + first byte of "о"
    write("truncated_utf8.csv", whole[:cut_at])
    bad = (
        "id;ФИО;Телефон;E-mail\n"
        "1;Соколова Анна Сергеевна;+7 916 234-56-78;anna.sokolova@mail.ru\n"
    ).encode("utf-8")
    # A name pasted from a Windows-1251 source into a UTF-8 file.
    bad += b"2;" + "Петров Иван".encode("cp1251") + b";8 (812) 315-27-44;petrov@yandex.ru\n"
    bad += "3;John Miller;+44 20 7946 0321;john.miller@outlook.com\n".encode("utf-8")
    write("bad_utf8_row.csv", bad)
    write("binary_garbage.bin", random.Random(20250630).randbytes(4096))


if __name__ == "__main__":
    main()
