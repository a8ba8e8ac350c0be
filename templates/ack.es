Subject: {{ticket.token}} {{ticket.subject}}

Estimado/a cliente:

{{#unless ticket.joined}}
Hemos recibido su mensaje y hemos abierto la incidencia n.º {{ticket.id}}:
{{/unless}}
{{#if ticket.joined}}
Hemos recibido su mensaje y lo hemos añadido a la incidencia n.º {{ticket.id}}:
{{/if}}

    {{ticket.subject}}

{{#if ticket.response_due}}
Le responderemos antes del {{ticket.response_due}}.

{{/if}}
{{#unless ticket.response_due}}
{{#if queue.response_time}}
Le responderemos en un plazo máximo de {{queue.response_time}}.

{{/if}}
{{/unless}}
Si desea añadir algo, responda a este mensaje o mantenga {{ticket.token}}
en el asunto de un mensaje nuevo.

-- 
{{queue.address}}
