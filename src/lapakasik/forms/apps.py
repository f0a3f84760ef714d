from django.apps import AppConfig


class FormsConfig(AppConfig):
    name = "lapakasik.forms"
    label = "forms"
    verbose_name = "Formulir online"

    def ready(self) -> None:
        # Intake's upload page offers "fill it online" next to the requirement rows a form exists for;
        # intake sits below this app, so it is told the codes here (docs/adr/0004-import-layers.md).
        from lapakasik.booking.panels import participant_panel_register
        from lapakasik.intake.catalogue import claim_declaration_register, online_form_register

        from .definitions import FORMS
        from .services import will_declared
        from .views import participant_panel

        online_form_register(*FORMS)
        participant_panel_register(participant_panel)
        claim_declaration_register(will_declared)  # the will the heir statement declares (Formulir 4)
