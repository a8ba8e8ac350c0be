Subject: {{ticket.token}} {{ticket.subject}}

Dzień dobry,

dziękujemy za wiadomość. Przyjęliśmy zgłoszenie nr {{ticket.id}}:

    {{ticket.subject}}

{{#if queue.response_time}}
Odpowiemy najpóźniej za {{queue.response_time}}.

{{/if}}
Jeśli chcą Państwo coś dodać, wystarczy odpowiedzieć na tę wiadomość
lub zachować {{ticket.token}} w temacie nowej wiadomości.

-- 
{{queue.address}}
