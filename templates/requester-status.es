Subject: {{ticket.token}} {{ticket.subject}}

Estimado/a cliente:

Nuevo estado de su solicitud: {{status.name}}.

    n.º {{ticket.id}}: {{ticket.subject}}

{{#if note}}
{{note}}

{{/if}}
Si queda algo pendiente, responda a este mensaje.

-- 
{{queue.address}}
