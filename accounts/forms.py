from django import forms


class CodeForm(forms.Form):
    REFUSED = (
        "That code was not accepted. App codes change every 30 seconds and each recovery code "
        "works once; after a wrong code, wait a few seconds before the next try."
    )

    code = forms.CharField(
        label="Code",
        max_length=16,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
    )

    def clean_code(self):
        return self.cleaned_data["code"].replace(" ", "")
