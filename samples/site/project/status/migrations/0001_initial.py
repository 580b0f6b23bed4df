from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Deployment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("release_id", models.CharField(max_length=64, unique=True)),
                ("first_seen", models.DateTimeField(auto_now_add=True)),
            ],
            options={"ordering": ["-first_seen"]},
        ),
    ]
