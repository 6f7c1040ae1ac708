#!/usr/bin/env python3
"""Regenerates DU003.csv: 60 synthetic employees of one company who all have the company
switchboard in their phone column (a blocking key shared by more rows than the default
max_block_size of 50), plus two clients with their own numbers."""
import csv, os

surnames = ["Абрамов", "Белов", "Васильев", "Гусев", "Давыдов", "Ефимов", "Жуков", "Зайцев",
            "Ильин", "Карпов", "Лукин", "Макаров", "Носов", "Осипов", "Павлов"]
given = [("Алексей", "Игоревич"), ("Борис", "Олегович"), ("Виктор", "Петрович"),
         ("Глеб", "Романович")]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "DU003.csv")
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["ФИО", "Телефон", "Компания", "expect"])
    n = 0
    for s in surnames:
        for g, p in given:
            n += 1
            w.writerow([f"{s} {g} {p}", "+7 (495) 123-45-67", 'ООО "Вектор"',
                        "DU003" if n == 1 else ""])
    w.writerow(["Смирнова Анна Сергеевна", "+79031112233", "", ""])
    w.writerow(["Кузнецов Олег Викторович", "+79264445566", "", ""])
