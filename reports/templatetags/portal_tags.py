from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping|get_item:key`` — dictionary lookup with a variable key."""
    if mapping is None:
        return None
    return mapping.get(key)
