"""Helpers any app's tests share that need nothing above the ground floor."""

from django.core.files.uploadedfile import SimpleUploadedFile

PASSWORD = "test-pass-123"


def pdf_file(name: str = "合同.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")
