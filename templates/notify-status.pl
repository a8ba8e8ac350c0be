Subject: {{ticket.token}} {{ticket.subject}}

Status zgłoszenia zmieniony z „{{status.old}}” na „{{status}}” (przez: {{by}}).
Zgłoszenie nr {{ticket.id}}: {{ticket.subject}}
{{#if recipient.agent}}
Status {{ticket.status}}, priorytet {{ticket.priority}}, kolejka {{ticket.queue}}, opiekun {{ticket.owner}}
Zgłaszający {{ticket.requester}}
{{/if}}
{{#unless recipient.agent}}
Status {{ticket.status}}, priorytet {{ticket.priority}}, kolejka {{ticket.queue}}
{{/unless}}

-- 
{{#if recipient.agent}}
Odpowiedź na tę wiadomość trafi do zgłaszającego (zgłoszenie nr {{ticket.id}});
notatkę wewnętrzną można wysłać na adres {{comment.address}}.
{{/if}}
{{#unless recipient.agent}}
Odpowiedź na tę wiadomość zostanie dołączona do zgłoszenia nr {{ticket.id}}.
{{/unless}}
