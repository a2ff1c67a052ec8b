from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
    price_cents = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name

    def as_json(self):
        return {"id": self.id, "name": self.name, "price_cents": self.price_cents}
