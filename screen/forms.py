from django import forms

from .models import NAME_MAX_LENGTH


class LinkForm(forms.Form):
    name = forms.CharField(
        label="名称",
        max_length=NAME_MAX_LENGTH,
        help_text="放置大屏的地点，例如“一楼大厅”；名称不可重复。",
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off", "placeholder": "例如 一楼大厅"}),
    )
