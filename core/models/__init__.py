from core.models.delivery import Delivery

__all__ = ["Delivery"]
