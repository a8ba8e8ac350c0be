Subject: Powiązane: {{ticket.token}} {{ticket.subject}}

Nowa wiadomość dotyczy zarówno tego zgłoszenia, jak i zgłoszenia
nr {{linked.id}}: odpowiada na korespondencję z obu. Zgłoszenia zostały
ze sobą powiązane, ale nie połączone automatycznie, ponieważ jedno z nich
było już obsługiwane albo nadawca nie uczestniczy w obu.

Zgłoszenie nr {{ticket.id}}: {{ticket.subject}}
Zgłoszenie nr {{linked.id}}: {{linked.subject}}

Wiadomość, która je łączy:
Od: {{bridge.from}}
Temat: {{bridge.subject}}
Message-ID: {{bridge.message_id}}

Jeśli to ta sama sprawa, może Pan/Pani połączyć zgłoszenia poleceniem:
    {{merge.command}}
{{#if recipient.agent}}

Status {{ticket.status}}, priorytet {{ticket.priority}}, kolejka {{ticket.queue}}, opiekun {{ticket.owner}}
Zgłaszający {{ticket.requester}}
{{/if}}

-- 
{{#if recipient.agent}}
Odpowiedź na tę wiadomość trafi do zgłaszającego (zgłoszenie nr {{ticket.id}});
notatkę wewnętrzną można wysłać na adres {{comment.address}}.
{{/if}}
{{#unless recipient.agent}}
Odpowiedź na tę wiadomość zostanie dołączona do zgłoszenia nr {{ticket.id}}.
{{/unless}}
