"""Field editors of the inspector, one per type of value in the format.

Every editor has the same small protocol: ``committed(object)`` is emitted
with the new value when the user is done with the field (Enter, focus
leaving it, a choice made), :meth:`set_value` shows a value without emitting,
and :meth:`set_error` marks a value the model refused. A refused value stays
in the field, so nothing typed is lost; Escape brings back the model's value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, QUrl, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QTextOption, QWheelEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from attackgraph.model.schema import Field

__all__ = [
    "ChoiceEditor",
    "EnumSetEditor",
    "FieldEditor",
    "LineEditor",
    "ListEditor",
    "MarkdownEditor",
    "NumberEditor",
]

NONE_TEXT = "—"
ERROR_STYLE = "border: 1.5px solid #d93025; border-radius: 3px;"


class FieldEditor(QWidget):
    """Base of the editors.

    Signals
    -------
    committed(object)
        The user finished editing; the value (None for "not set").
    """

    committed = Signal(object)

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self._value: Any = None
        self._error: str | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def value(self) -> Any:
        """The value shown now (what a commit would send)."""
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show the model's value (without committing)."""
        self._value = value
        self.set_error(None)
        self._show(value)

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def rebase(self, value: Any) -> None:
        """Take ``value`` as the model's value without touching what is shown."""
        self._value = value

    def set_error(self, message: str | None) -> None:
        """Mark the field as holding a value the model refused (None clears)."""
        self._error = message
        self.setStyleSheet(ERROR_STYLE if message else "")
        self.setToolTip(message or "")

    @property
    def error(self) -> str | None:
        """The reason the shown value was refused, if it was."""
        return self._error

    def is_pending(self) -> bool:
        """Whether the field shows something the model does not have yet."""
        return self.value() != self._value

    def commit(self) -> None:
        """Send the shown value if it differs from the model's."""
        if self.is_pending():
            self.committed.emit(self.value())

    def revert(self) -> None:
        """Show the model's value again."""
        self.set_value(self._value)


class _Line(QLineEdit):
    """A line edit that reverts on Escape."""

    def __init__(self, owner: FieldEditor) -> None:
        super().__init__()
        self._owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Cancel):
            self._owner.revert()
            return
        super().keyPressEvent(event)


class LineEditor(FieldEditor):
    """Ids, labels, short strings and dates: one line, committed on Enter or
    when the focus leaves; an optional string left empty means "not set"."""

    def __init__(self, field: Field, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = _Line(self)
        self.edit.setPlaceholderText(placeholder)
        self.layout().addWidget(self.edit)
        self.edit.editingFinished.connect(self.commit)

    def value(self) -> Any:
        text = self.edit.text()
        if self.field.type == "id":
            text = text.strip()
        if text == "" and not self.field.required:
            return None
        return text

    def _show(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))
        self.edit.setCursorPosition(0)  # show the start of a long value


class _Plain(QPlainTextEdit):
    """A multi-line edit that commits when the focus leaves (and on Ctrl+Enter)."""

    def __init__(self, owner: FieldEditor, lines: int) -> None:
        super().__init__()
        self._owner = owner
        self.setTabChangesFocus(True)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        height = self.fontMetrics().lineSpacing() * lines + 12
        self.setMinimumHeight(height)
        self.setMaximumHeight(max(height, 360) if lines > 4 else height + 40)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._owner.commit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Cancel):
            self._owner.revert()
            return
        if event.key() in (0x01000004, 0x01000005) and event.modifiers():  # Ctrl+Enter
            self._owner.commit()
            return
        super().keyPressEvent(event)


class ListEditor(FieldEditor):
    """A list of strings (technique ids, references): one item per line."""

    def __init__(self, field: Field, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = _Plain(self, 3)
        self.edit.setPlaceholderText(placeholder or "one per line")
        self.layout().addWidget(self.edit)

    def value(self) -> Any:
        items = [line.strip() for line in self.edit.toPlainText().splitlines() if line.strip()]
        return tuple(items) if items else None

    def _show(self, value: Any) -> None:
        self.edit.setPlainText("\n".join(value or ()))


class _SafeBrowser(QTextBrowser):
    """Markdown preview that loads nothing: no files, no network (model text
    comes from other people)."""

    def loadResource(self, kind: int, name: QUrl) -> Any:
        return None


class MarkdownEditor(FieldEditor):
    """Markdown text with a rendered preview (links are shown, not followed)."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        self.stack = QStackedWidget()
        self.edit = _Plain(self, 6)
        self.edit.setPlaceholderText("Markdown: **bold**, *italic*, - lists, [links](https://…)")
        self.preview = _SafeBrowser()
        self.preview.setOpenLinks(False)
        self.preview.setMinimumHeight(self.edit.minimumHeight())
        self.stack.addWidget(self.edit)
        self.stack.addWidget(self.preview)
        self.toggle = QPushButton("Preview")
        self.toggle.setCheckable(True)
        self.toggle.setFlat(True)
        self.toggle.toggled.connect(self._toggle)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.toggle)
        box.addWidget(self.stack)
        box.addLayout(row)
        self.layout().addLayout(box)

    def _toggle(self, on: bool) -> None:
        if on:
            self.commit()
            self.preview.setMarkdown(self.edit.toPlainText())
        self.stack.setCurrentIndex(1 if on else 0)
        self.toggle.setText("Edit" if on else "Preview")

    def value(self) -> Any:
        text = self.edit.toPlainText()
        return text if text.strip() else None

    def _show(self, value: Any) -> None:
        self.edit.setPlainText(value or "")
        if self.toggle.isChecked():
            self.preview.setMarkdown(value or "")


class _NoWheel(QObject):
    """Ignore the mouse wheel on fields without focus (a scrolling inspector
    must not change values by accident)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(event, QWheelEvent)
            and isinstance(watched, QWidget)
            and not watched.hasFocus()
        ):
            event.ignore()
            return True
        return False


_NO_WHEEL = _NoWheel()


class ChoiceEditor(FieldEditor):
    """An enumeration or a reference: a combo box; optional ones offer "—"
    (or the default's name) for "not set"."""

    def __init__(
        self,
        field: Field,
        choices: Sequence[tuple[str, Any]],
        none_text: str | None = NONE_TEXT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(field, parent)
        self.combo = QComboBox()
        self.combo.installEventFilter(_NO_WHEEL)
        # Long labels must not widen the inspector: the field shrinks and elides.
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(8)
        self._values: list[Any] = []
        if none_text is not None:
            self.combo.addItem(none_text)
            self._values.append(None)
        for text, value in choices:
            self.combo.addItem(text)
            self._values.append(value)
        self.layout().addWidget(self.combo)
        self.combo.activated.connect(lambda _i: self.commit())

    def value(self) -> Any:
        index = self.combo.currentIndex()
        return self._values[index] if 0 <= index < len(self._values) else None

    def _show(self, value: Any) -> None:
        if value not in self._values:  # e.g. a dangling reference: show it anyway
            self.combo.addItem(str(value))
            self._values.append(value)
        self.combo.setCurrentIndex(self._values.index(value))


class _Spin(QDoubleSpinBox):
    def __init__(self, owner: NumberEditor) -> None:
        super().__init__()
        self._owner = owner

    def textFromValue(self, value: float) -> str:
        return f"{value:.{self.decimals()}f}".rstrip("0").rstrip(".")  # 1, not 1.000

    def stepBy(self, steps: int) -> None:
        super().stepBy(steps)
        self._owner.commit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Cancel):
            self._owner.revert()
            return
        super().keyPressEvent(event)


class NumberEditor(FieldEditor):
    """A number in its field's range; the lowest position of the spin box
    reads "default (D)" and means "not set"."""

    def __init__(
        self,
        field: Field,
        default: float,
        step: float,
        decimals: int = 3,
        maximum: float = 1e9,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(field, parent)
        self.default = default
        self.spin = _Spin(self)
        self.spin.installEventFilter(_NO_WHEEL)
        low = field.minimum if field.minimum is not None else -maximum
        high = field.maximum if field.maximum is not None else maximum
        self._unset = low - step
        self.spin.setDecimals(decimals)
        self.spin.setRange(self._unset, high)
        self.spin.setSingleStep(step)
        self.spin.setSpecialValueText(f"default ({default:g})")
        self.spin.setKeyboardTracking(False)
        self.spin.setAccelerated(True)
        self.layout().addWidget(self.spin)
        self.spin.editingFinished.connect(self.commit)
        self._low = low

    def value(self) -> Any:
        number = self.spin.value()
        if number <= self._unset + 1e-12:
            return None
        if self.field.exclusive_minimum and number <= self._low:
            return None
        return int(number) if float(number).is_integer() and math.isfinite(number) else number

    def _show(self, value: Any) -> None:
        self.spin.setValue(self._unset if value is None else float(value))

    def is_pending(self) -> bool:
        """Whether the shown number differs from the model's (to the last decimal)."""
        current = self.value()
        if current is None or self._value is None:
            return current != self._value
        return abs(float(current) - float(self._value)) > 1e-12


class EnumSetEditor(FieldEditor):
    """A list of enumeration values (an attacker profile's access): check
    boxes; "not set" (the default, every value) shows all of them checked."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for index, choice in enumerate(field.choices):
            box = QCheckBox(choice)
            box.toggled.connect(lambda _on: self.commit())
            self.boxes[choice] = box
            grid.addWidget(box, index // 2, index % 2)
        self.layout().addLayout(grid)
        self.layout().addStretch(1)

    def value(self) -> Any:
        chosen = tuple(c for c, box in self.boxes.items() if box.isChecked())
        if self._value is None and len(chosen) == len(self.boxes):
            return None  # still the default; do not write it out
        return chosen

    def _show(self, value: Any) -> None:
        chosen = set(self.field.choices if value is None else value)
        for choice, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(choice in chosen)
            box.blockSignals(False)
