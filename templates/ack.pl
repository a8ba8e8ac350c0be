Subject: {{ticket.token}} {{ticket.subject}}

Dzień dobry,

{{#unless ticket.joined}}
dziękujemy za wiadomość. Przyjęliśmy zgłoszenie nr {{ticket.id}}:
{{/unless}}
{{#if ticket.joined}}
dziękujemy za wiadomość. Dołączyliśmy ją do zgłoszenia nr {{ticket.id}}:
{{/if}}

    {{ticket.subject}}

{{#if ticket.response_due}}
Odpowiemy najpóźniej do {{ticket.response_due}}.

{{/if}}
{{#unless ticket.response_due}}
{{#if queue.response_time}}
Odpowiemy najpóźniej za {{queue.response_time}}.

{{/if}}
{{/unless}}
Jeśli chcą Państwo coś dodać, wystarczy odpowiedzieć na tę wiadomość
lub zachować {{ticket.token}} w temacie nowej wiadomości.

-- 
{{queue.address}}
