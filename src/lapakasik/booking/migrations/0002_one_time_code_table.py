"""One-time codes get their own table (they were otp_issued/otp_failed events in the claim's history).
Codes issued before this migration are not carried over: they live 10 minutes, and the participant
asks for a new one."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0001_initial'),
        ('claims', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='OneTimeCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('purpose', models.CharField(choices=[('booking', 'Buka booking saya')], default='booking', max_length=16)),
                ('channel', models.CharField(help_text='Dikirim lewat', max_length=12)),
                ('nonce', models.CharField(max_length=32)),
                ('digest', models.CharField(help_text='HMAC dari kode; kode sendiri tidak disimpan', max_length=64)),
                ('tries', models.PositiveSmallIntegerField(default=0, help_text='Percobaan salah')),
                ('expires_at', models.DateTimeField()),
                ('used_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField()),
                ('claim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='one_time_codes', to='claims.claim')),
            ],
            options={
                'verbose_name': 'kode sekali pakai',
                'verbose_name_plural': 'kode sekali pakai',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['claim', 'purpose', 'created_at'], name='booking_one_claim_i_747ade_idx')],
            },
        ),
    ]
