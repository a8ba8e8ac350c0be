Estimado/a cliente:

Gracias por su mensaje sobre «{{ticket.subject}}». Para poder ayudarle
con rapidez, necesitamos algunos datos más:

- ¿Qué hizo exactamente y qué ocurrió?
- El texto exacto del mensaje de error o una captura de pantalla.
- ¿Desde cuándo ocurre y en qué dispositivo?

Responda a este mensaje; su respuesta se añadirá a la incidencia {{ticket.token}}.
