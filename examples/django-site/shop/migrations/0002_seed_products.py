from django.db import migrations

PRODUCTS = [
    ("Espresso cup", 1200),
    ("Pour-over kettle", 4500),
    ("Burr grinder", 12900),
]


def seed(apps, schema_editor):
    Product = apps.get_model("shop", "Product")
    for name, price_cents in PRODUCTS:
        Product.objects.get_or_create(name=name, defaults={"price_cents": price_cents})


def unseed(apps, schema_editor):
    Product = apps.get_model("shop", "Product")
    Product.objects.filter(name__in=[name for name, _ in PRODUCTS]).delete()


class Migration(migrations.Migration):

    dependencies = [("shop", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
