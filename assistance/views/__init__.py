"""Notice pages, by page group: `drafting` (the draft form, the leader's 待签发 list and batch signing), `lists` (the
court's list and the liaison's inbox), `notice_page` (a notice's page and every move made from it, table-driven),
`files` (the PDFs and attachment downloads). `assistance/urls.py` names each view.

Every read goes through `Notice.objects.visible_to(user)`, so whatever a user may not see is a 404, never a 403.
Every move is one POST calling the one service; a refusal shows the service's Chinese message and changes
nothing (each call runs in its own transaction).
"""
