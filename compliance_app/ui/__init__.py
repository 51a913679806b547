"""The Streamlit wizard.

Streamlit-free (tested without a browser): ``state`` (navigation and answers in session state),
``summary`` (the results in words), ``forms`` (widgets' values to answers and back, labels),
``drafts`` (drafts saved as the user goes), ``settings`` (the environment, checked at start).
Streamlit pages: ``pages`` (company side: start, questions, check your answers), ``results``
(the results page and the PDF), ``adviser`` (adviser review mode), ``upload`` (PDF and answers
uploads), ``session`` (session start, draft resume).

May import every other sub-package. Nothing else in ``compliance_app`` imports ``ui``.
"""
