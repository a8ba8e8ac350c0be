Subject: {{ticket.token}} {{ticket.subject}}

Dzień dobry,

{{#unless ticket.joined}}
dziękujemy za wiadomość. Przyjęliśmy zgłoszenie nr {{ticket.id}}:
{{/unless}}
{{#if ticket.joined}}
dziękujemy za wiadomość. Dołączyliśmy ją do zgłoszenia nr {{ticket.id}}:
{{/if}}

    {{ticket.subject}}

{{#if queue.response_time}}
Odpowiemy najpóźniej za {{queue.response_time}}.

{{/if}}
Jeśli chcą Państwo coś dodać, wystarczy odpowiedzieć na tę wiadomość
lub zachować {{ticket.token}} w temacie nowej wiadomości.

-- 
{{queue.address}}
